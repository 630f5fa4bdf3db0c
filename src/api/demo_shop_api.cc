// The demo shop back-end (see demo_shop.h). SAMPLE data only.
#include <boost/json.hpp>

#include <ctime>
#include <fstream>
#include <sstream>

#include "api/api.h"
#include "api/demo_shop.h"
#include "api/http_status.h"
#include "api/request_utils.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/utf8.h"

namespace lingxi::api {

namespace asio = boost::asio;
namespace json = boost::json;
using server::HttpRequest;
using server::HttpResponse;

namespace {

constexpr int64_t kHourMs = 3600LL * 1000;
constexpr int64_t kShopUtcOffsetMs = 8 * kHourMs;  // the demo shop lives in UTC+8

Result<json::value> ReadJson(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  json::value v = json::parse(ss.str(), ec);
  if (ec) return InvalidArgument(path + ": invalid JSON: " + ec.message());
  return v;
}

// "2025-06-01 14:30 +08:00" (minutes) or "2025-06-01" (date only).
std::string FormatShopTime(int64_t utc_ms, bool date_only) {
  std::time_t t = static_cast<std::time_t>((utc_ms + kShopUtcOffsetMs) / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, date_only ? "%Y-%m-%d" : "%Y-%m-%d %H:%M +08:00", &tm);
  return buf;
}

double Num(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<double>() : 0;
}

Result<std::map<std::string, json::object>> LoadKeyed(const std::string& path, std::string_view list_key) {
  LINGXI_ASSIGN_OR_RETURN(json::value doc, ReadJson(path));
  const json::value* list = doc.is_object() ? doc.get_object().if_contains(list_key) : nullptr;
  if (!list || !list->is_array()) return InvalidArgument(path + ": needs a \"" + std::string(list_key) + "\" array");
  std::map<std::string, json::object> out;
  for (const json::value& e : list->get_array()) {
    const json::value* key = e.is_object() ? e.get_object().if_contains("order_no") : nullptr;
    if (!key || !key->is_string()) return InvalidArgument(path + ": every entry needs an order_no");
    if (!out.emplace(std::string(key->get_string()), e.get_object()).second)
      return InvalidArgument(path + ": duplicate order_no " + std::string(key->get_string()));
  }
  return out;
}

json::object WithSample(json::object o) {
  o["sample_data"] = true;
  return o;
}

// GET handlers run no blocking work: the shop is in memory.
HttpResponse Reply(const Result<json::object>& r, int ok_status = 200) {
  if (!r.ok()) {
    HttpResponse e = ErrorResponse(r.status());
    // The error body also says the data is a sample.
    boost::system::error_code ec;
    json::value v = json::parse(e.body, ec);
    if (!ec && v.is_object()) e.body = json::serialize(WithSample(v.get_object()));
    return e;
  }
  return JsonResponse(ok_status, WithSample(*r));
}

std::string QueryOr(const HttpRequest& req, const std::string& name) {
  const std::string* v = req.Query(name);
  return v ? *v : std::string();
}

asio::awaitable<HttpResponse> GetOrderRoute(std::shared_ptr<DemoShop> shop, HttpRequest req) {
  co_return Reply(shop->GetOrder(req.params["order_no"], QueryOr(req, "customer_id")));
}
asio::awaitable<HttpResponse> GetShipmentRoute(std::shared_ptr<DemoShop> shop, HttpRequest req) {
  co_return Reply(shop->GetShipment(req.params["order_no"], QueryOr(req, "customer_id")));
}
asio::awaitable<HttpResponse> ListSubscriptionsRoute(std::shared_ptr<DemoShop> shop, HttpRequest req) {
  co_return Reply(shop->ListSubscriptions(QueryOr(req, "customer_id")));
}
asio::awaitable<HttpResponse> CreateClaimRoute(std::shared_ptr<DemoShop> shop, HttpRequest req) {
  auto parsed = ParseJsonObject(req);
  if (auto* err = std::get_if<HttpResponse>(&parsed)) co_return std::move(*err);
  bool created = false;
  auto r = shop->CreateClaim(std::get<json::object>(parsed), &created);
  co_return Reply(r, created ? 201 : 200);
}

// Stands in for the shop's own back-end signing its signed-in customer for the chat widget
// (identity verification): the secret never reaches the browser, only the HMAC does.
asio::awaitable<HttpResponse> SessionRoute(std::shared_ptr<DemoShop> shop, ApiContext* ctx, std::string widget_token,
                                           HttpRequest req) {
  const std::string customer = QueryOr(req, "customer_id");
  if (customer.empty()) co_return ErrorResponse(InvalidArgument("customer_id is required"));
  if (!shop->KnowsCustomer(customer)) co_return ErrorResponse(NotFound("no such sample customer"));
  auto job = [widget_token](store::ReadTx& tx) { return tx.FindInboxByWidgetToken(widget_token); };
  auto inbox = co_await ReadOnWorkers(ctx, std::move(job));
  if (!inbox.ok()) co_return ErrorResponse(inbox.status());
  co_return JsonResponse(200, WithSample(json::object{
      {"external_id", customer}, {"identifier_hash", HmacSha256Hex(inbox->identity_secret, customer)}}));
}

}  // namespace

bool DemoShop::KnowsCustomer(const std::string& customer_id) const {
  if (subscriptions_.count(customer_id)) return true;
  for (const auto& [no, o] : orders_)
    if (const json::value* c = o.if_contains("customer_id"); c && c->is_string() && c->get_string() == customer_id)
      return true;
  return false;
}

Result<std::shared_ptr<DemoShop>> DemoShop::Load(const std::string& dir, int64_t now_ms) {
  auto shop = std::make_shared<DemoShop>();
  shop->now_ms_ = now_ms;
  LINGXI_ASSIGN_OR_RETURN(shop->orders_, LoadKeyed(dir + "/orders.json", "orders"));
  LINGXI_ASSIGN_OR_RETURN(shop->shipments_, LoadKeyed(dir + "/shipments.json", "shipments"));
  for (auto& [no, o] : shop->orders_) {
    const json::value* c = o.if_contains("customer_id");
    if (!c || !c->is_string()) return InvalidArgument(dir + "/orders.json: order " + no + " needs a customer_id");
    o["placed_at"] = FormatShopTime(now_ms - static_cast<int64_t>(Num(o, "placed_days_ago") * 24 * kHourMs), true);
    o.erase("placed_days_ago");
  }
  for (auto& [no, s] : shop->shipments_) {
    if (!shop->orders_.count(no)) return InvalidArgument(dir + "/shipments.json: shipment for unknown order " + no);
    if (json::value* events = s.if_contains("events"); events && events->is_array()) {
      for (json::value& e : events->get_array()) {
        if (!e.is_object()) return InvalidArgument(dir + "/shipments.json: events of " + no + " must be objects");
        json::object& eo = e.get_object();
        eo["time"] = FormatShopTime(now_ms - static_cast<int64_t>(Num(eo, "hours_ago") * kHourMs), false);
        eo.erase("hours_ago");
      }
    }
    if (json::value* d = s.if_contains("delivery"); d && d->is_object()) {
      json::object& dobj = d->get_object();
      if (dobj.contains("delivered_hours_ago")) {
        int64_t at = now_ms - static_cast<int64_t>(Num(dobj, "delivered_hours_ago") * kHourMs);
        dobj["delivered_at"] = FormatShopTime(at, false);
        if (dobj.contains("hold_days"))
          dobj["hold_until"] = FormatShopTime(at + static_cast<int64_t>(Num(dobj, "hold_days") * 24 * kHourMs), true);
        dobj.erase("delivered_hours_ago");
      }
    }
  }
  LINGXI_ASSIGN_OR_RETURN(json::value subs, ReadJson(dir + "/subscriptions.json"));
  const json::value* list = subs.is_object() ? subs.get_object().if_contains("subscriptions") : nullptr;
  if (!list || !list->is_array()) return InvalidArgument(dir + "/subscriptions.json: needs a \"subscriptions\" array");
  for (const json::value& e : list->get_array()) {
    const json::value* c = e.is_object() ? e.get_object().if_contains("customer_id") : nullptr;
    if (!c || !c->is_string()) return InvalidArgument(dir + "/subscriptions.json: every entry needs a customer_id");
    json::object s = e.get_object();
    double days = Num(s, "expires_in_days");
    s["expires_at"] = FormatShopTime(now_ms + static_cast<int64_t>(days * 24 * kHourMs), true);
    s["days_left"] = static_cast<int64_t>(days);
    s["status"] = days < 0 ? "expired" : "active";
    s["expiring_soon"] = days >= 0 && days <= 7;
    s.erase("expires_in_days");
    shop->subscriptions_[std::string(c->get_string())].push_back(std::move(s));
  }
  return shop;
}

namespace {
// An order number as it may appear in an error message (path input is untrusted).
std::string Printable(const std::string& order_no) {
  return IsValidUtf8(order_no) ? StripControl(Utf8Prefix(order_no, 40)) : std::string("?");
}
}  // namespace

Status DemoShop::CheckOwner(const std::string& order_no, const std::string& customer_id, bool required) const {
  if (customer_id.empty() && required) return InvalidArgument("customer_id is required");
  auto it = orders_.find(order_no);
  if (it == orders_.end()) return NotFound("no order " + Printable(order_no));
  if (!customer_id.empty() && it->second.at("customer_id").as_string() != customer_id)
    return PermissionDenied("this order belongs to another customer");
  return Status::Ok();
}

Result<json::object> DemoShop::GetOrder(const std::string& order_no, const std::string& customer_id) const {
  LINGXI_RETURN_IF_ERROR(CheckOwner(order_no, customer_id, true));
  return orders_.at(order_no);
}

Result<json::object> DemoShop::GetShipment(const std::string& order_no, const std::string& customer_id) const {
  LINGXI_RETURN_IF_ERROR(CheckOwner(order_no, customer_id, false));
  auto it = shipments_.find(order_no);
  if (it == shipments_.end()) return NotFound("order " + Printable(order_no) + " has not shipped yet");
  return it->second;
}

Result<json::object> DemoShop::ListSubscriptions(const std::string& customer_id) const {
  if (customer_id.empty()) return InvalidArgument("customer_id is required");
  auto it = subscriptions_.find(customer_id);
  json::array list = it == subscriptions_.end() ? json::array() : it->second;
  return json::object{{"customer_id", customer_id}, {"subscriptions", std::move(list)}};
}

Result<json::object> DemoShop::CreateClaim(const json::object& body, bool* created) {
  LINGXI_ASSIGN_OR_RETURN(std::string order_no, ReqString(body, "order_no", 40));
  LINGXI_ASSIGN_OR_RETURN(std::string customer_id, ReqString(body, "customer_id", 100));
  LINGXI_ASSIGN_OR_RETURN(std::string reason, ReqString(body, "reason", 40));
  LINGXI_ASSIGN_OR_RETURN(auto details, OptString(body, "details", 2000));
  if (reason != "not_received" && reason != "damaged" && reason != "wrong_item")
    return InvalidArgument("reason must be not_received, damaged or wrong_item");
  LINGXI_RETURN_IF_ERROR(CheckOwner(order_no, customer_id, true));
  std::lock_guard lock(mu_);
  if (auto it = claims_by_order_.find(order_no); it != claims_by_order_.end()) {
    *created = false;
    return it->second;
  }
  char id[32];
  std::snprintf(id, sizeof id, "CLM-%05d", next_claim_++);
  json::object claim{{"claim_id", id}, {"order_no", order_no}, {"customer_id", customer_id}, {"reason", reason},
                     {"status", "open"}, {"created_at", FormatShopTime(NowMillis(), false)},
                     {"expected_response_hours", 24}};
  if (details) claim["details"] = StripControl(*details);
  claims_by_order_[order_no] = claim;
  *created = true;
  return claim;
}

Status RegisterDemoShopRoutes(server::Router& router, const std::string& shop_dir, ApiContext* ctx,
                              std::string widget_token) {
  LINGXI_ASSIGN_OR_RETURN(std::shared_ptr<DemoShop> shop, DemoShop::Load(shop_dir, NowMillis()));
  router.Add("GET", "/demo-shop/api/orders/{order_no}", [shop](HttpRequest r) { return GetOrderRoute(shop, std::move(r)); });
  router.Add("GET", "/demo-shop/api/shipments/{order_no}",
             [shop](HttpRequest r) { return GetShipmentRoute(shop, std::move(r)); });
  router.Add("GET", "/demo-shop/api/subscriptions",
             [shop](HttpRequest r) { return ListSubscriptionsRoute(shop, std::move(r)); });
  router.Add("POST", "/demo-shop/api/claims", [shop](HttpRequest r) { return CreateClaimRoute(shop, std::move(r)); });
  if (ctx) {
    router.Add("GET", "/demo-shop/api/session", [shop, ctx, widget_token](HttpRequest r) {
      return SessionRoute(shop, ctx, widget_token, std::move(r));
    });
  }
  return Status::Ok();
}

}  // namespace lingxi::api
