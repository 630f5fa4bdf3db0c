// The demo shop's back-end API, serving SAMPLE data (data/demo/shop/*.json, fictional people,
// orders and codes) so the playbooks and HTTP tools have a real business API to call:
//   GET  /demo-shop/api/orders/{order_no}?customer_id=...     404 unknown, 403 another customer's
//   GET  /demo-shop/api/shipments/{order_no}[?customer_id=...]  tracking (403 if customer_id mismatches)
//   GET  /demo-shop/api/subscriptions?customer_id=...
//   POST /demo-shop/api/claims {"order_no","customer_id","reason":"not_received"|"damaged"|"wrong_item","details"?}
//   GET  /demo-shop/api/session?customer_id=...  what the shop's own back-end gives its signed-in
//        customer's page: {"external_id","identifier_hash"} for the chat widget, signed with the
//        demo inbox's identity secret (read at each request, so a rotated secret works at once)
// Every response carries "sample_data": true; errors are {"error":{"code","message"}}.
// Times in the data are relative ("hours_ago", "expires_in_days") and made absolute at load,
// so the demo stays current. Thread-safety: DemoShop is safe for concurrent use (claims are
// guarded by a mutex; everything else is immutable after Load).
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"
#include "server/router.h"

namespace lingxi::api {

class DemoShop {
 public:
  // Reads orders.json, shipments.json and subscriptions.json from `shop_dir`; `now_ms` anchors
  // the relative times. NotFound / InvalidArgument naming the file on bad data.
  static Result<std::shared_ptr<DemoShop>> Load(const std::string& shop_dir, int64_t now_ms);

  // InvalidArgument without customer_id, NotFound for an unknown order, PermissionDenied if it
  // belongs to another customer.
  Result<boost::json::object> GetOrder(const std::string& order_no, const std::string& customer_id) const;
  // Tracking of an order; customer_id optional but checked when given.
  Result<boost::json::object> GetShipment(const std::string& order_no, const std::string& customer_id) const;
  Result<boost::json::object> ListSubscriptions(const std::string& customer_id) const;
  // Opens a claim (or returns the open claim of the same order: *created = false).
  Result<boost::json::object> CreateClaim(const boost::json::object& body, bool* created);
  // Whether the sample data has orders or subscriptions of this customer.
  bool KnowsCustomer(const std::string& customer_id) const;

 private:
  Status CheckOwner(const std::string& order_no, const std::string& customer_id, bool required) const;

  std::map<std::string, boost::json::object> orders_;      // by order_no
  std::map<std::string, boost::json::object> shipments_;   // by order_no
  std::map<std::string, boost::json::array> subscriptions_;  // by customer_id
  int64_t now_ms_ = 0;
  std::mutex mu_;
  std::map<std::string, boost::json::object> claims_by_order_;  // guarded by mu_
  int next_claim_ = 1;                                          // guarded by mu_
};

struct ApiContext;

// Loads the shop from `shop_dir` and registers its routes; the session route signs customer ids
// with the identity secret of the inbox whose widget token is `widget_token` (looked up through
// `ctx`; without a ctx there is no session route). Errors from DemoShop::Load.
Status RegisterDemoShopRoutes(server::Router& router, const std::string& shop_dir, ApiContext* ctx = nullptr,
                              std::string widget_token = "");

}  // namespace lingxi::api
