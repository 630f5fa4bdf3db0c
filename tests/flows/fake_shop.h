// Test helper: answers the demo tools (data/demo/tools.json) from the SAMPLE data files
// directly, without HTTP, so flow tests run the real playbooks, tool definitions and
// response_fields on the real demo data. Mirrors the demo shop's status codes.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "flows/flow_engine.h"
#include "flows/tool_registry.h"

namespace lingxi::flows::testing {

class FakeShop {
 public:
  FakeShop() {
    auto o = ReadJsonFile(LINGXI_SOURCE_DIR "/data/demo/shop/orders.json");
    auto s = ReadJsonFile(LINGXI_SOURCE_DIR "/data/demo/shop/shipments.json");
    auto u = ReadJsonFile(LINGXI_SOURCE_DIR "/data/demo/shop/subscriptions.json");
    orders_ = o->at("orders").as_array();
    shipments_ = s->at("shipments").as_array();
    subscriptions_ = u->at("subscriptions").as_array();
  }

  // Runs `call` the way HttpToolRunner would (validation, customer injection, response_fields).
  ToolResult Call(const ToolRegistry& tools, const ToolCallRequest& call, const std::string& customer) {
    calls.push_back(call);
    const ToolDefinition* def = tools.Find(call.tool);
    if (!def) return ResultFromError(call.tool, NotFound("no tool"), 0);
    auto args = ValidateArguments(*def, call.args, customer);
    if (!args.ok()) return ResultFromError(call.tool, args.status(), 0);
    auto [status, body] = Answer(call.tool, *args);
    return ResultFromResponse(*def, status, boost::json::serialize(body), 1);
  }

  std::vector<ToolCallRequest> calls;

 private:
  static const boost::json::object* FindBy(const boost::json::array& list, const char* key, const boost::json::value& v) {
    for (const auto& e : list)
      if (e.as_object().at(key) == v) return &e.as_object();
    return nullptr;
  }
  std::pair<int, boost::json::value> Answer(const std::string& tool, const boost::json::object& a) {
    namespace json = boost::json;
    json::value not_found = json::parse(R"({"error": {"code": "not_found", "message": "no such order"}})");
    if (tool == "get_subscription") {
      json::array list;
      for (const auto& e : subscriptions_) {
        if (e.at("customer_id") != a.at("customer_id")) continue;
        json::object s = e.as_object();
        double days = s.at("expires_in_days").to_number<double>();
        s["days_left"] = static_cast<int64_t>(days);
        s["status"] = days < 0 ? "expired" : "active";
        s["expiring_soon"] = days >= 0 && days <= 7;
        list.push_back(std::move(s));
      }
      return {200, json::object{{"subscriptions", std::move(list)}}};
    }
    const json::object* order = FindBy(orders_, "order_no", a.at("order_no"));
    if (!order) return {404, not_found};
    if (order->at("customer_id") != a.at("customer_id"))
      return {403, json::parse(R"({"error": {"code": "permission_denied", "message": "not yours"}})")};
    if (tool == "get_order") return {200, *order};
    if (tool == "track_shipment") {
      const json::object* s = FindBy(shipments_, "order_no", a.at("order_no"));
      if (!s) return {404, not_found};
      return {200, *s};
    }
    if (tool == "create_claim")
      return {201, json::object{{"claim_id", "CLM-T" + std::string(a.at("order_no").as_string())}, {"status", "open"},
                                {"expected_response_hours", 24}}};
    return {500, json::object{}};
  }

  boost::json::array orders_, shipments_, subscriptions_;
};

}  // namespace lingxi::flows::testing
