// Real tool calls: HttpToolRunner -> net::HttpClient -> a server on loopback.
#include "flows/http_tool_runner.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <future>

#include "loopback_server.h"

namespace lingxi::flows {
namespace {

namespace json = boost::json;
using testing::LoopbackServer;

std::shared_ptr<const ToolRegistry> Tools(const std::string& allow, int port, int timeout_ms = 3000) {
  std::string doc = R"({"allowlist": [)" + allow + R"(], "tools": [
    {"name": "get_order", "url": "http://{{server}}/api/orders/{order_no}?customer_id={customer_id}",
     "parameters": {"type": "object", "properties": {"order_no": {"type": "string"}, "customer_id": {"type": "string"}},
                    "required": ["order_no"]},
     "headers": {"Authorization": "Bearer ${secret:TOKEN}"},
     "customer_param": "customer_id", "timeout_ms": )" + std::to_string(timeout_ms) + R"(,
     "response_fields": ["status", "delivery.signed_by"]},
    {"name": "claim", "method": "POST", "url": "http://{{server}}/api/claims",
     "parameters": {"type": "object", "properties": {"order_no": {"type": "string"}, "customer_id": {"type": "string"}}},
     "body": {"order_no": "{order_no}", "customer": "{customer_id}"}, "customer_param": "customer_id",
     "response_fields": ["claim_id"]}]})";
  ToolRegistryOptions o;
  o.variables["server"] = (allow.find("localhost") != std::string::npos ? "localhost:" : "127.0.0.1:") + std::to_string(port);
  o.secrets["TOKEN"] = "tok-123";
  auto r = ToolRegistry::Load(json::parse(doc), o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : nullptr;
}

ToolResult Call(HttpToolRunner& runner, std::shared_ptr<const ToolRegistry> tools, const std::string& name,
                const char* args, const std::string& customer = "cust-1") {
  std::promise<ToolResult> p;
  auto f = p.get_future();
  ToolCallContext ctx{std::move(tools), customer};
  runner.Run(ctx, name, json::parse(args).as_object(), [&p](ToolResult r) { p.set_value(std::move(r)); });
  EXPECT_EQ(f.wait_for(std::chrono::seconds(15)), std::future_status::ready);
  return f.get();
}

LoopbackServer::Reply Order(const testing::SeenRequest&) {
  return {200, R"({"status": "delivered", "delivery": {"signed_by": "reception", "internal_note": "x"}, "cost": 3})", ""};
}

TEST(HttpToolRunner, CallsAnAllowlistedLoopbackServerAndKeepsOnlyResponseFields) {
  LoopbackServer server(Order);
  net::HttpClient client;
  HttpToolRunner runner(&client);
  auto tools = Tools("\"127.0.0.1:" + std::to_string(server.port()) + "\"", server.port());
  ToolResult r = Call(runner, tools, "get_order", R"({"order_no": "LX/../1?x", "customer_id": "cust-EVIL"})");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.fields, json::parse(R"({"status": "delivered", "delivery.signed_by": "reception"})").as_object());
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "/api/orders/LX%2F..%2F1%3Fx?customer_id=cust-1");
  EXPECT_NE(seen[0].head.find("Authorization: Bearer tok-123"), std::string::npos);

  ToolResult c = Call(runner, tools, "claim", R"({"order_no": "LX1"})");
  seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].method, "POST");
  EXPECT_EQ(json::parse(seen[1].body), json::parse(R"({"order_no": "LX1", "customer": "cust-1"})"));
}

TEST(HttpToolRunner, RefusesLoopbackByHostNameUnlessAllowedPrivate) {
  LoopbackServer server(Order);
  net::HttpClient client;
  HttpToolRunner runner(&client);
  // "localhost" is allowlisted but resolves to 127.0.0.1: refused after DNS, nothing sent.
  auto tools = Tools("\"localhost:" + std::to_string(server.port()) + "\"", server.port());
  ToolResult r = Call(runner, tools, "get_order", R"({"order_no": "A1"})");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error_code, "permission_denied") << r.error;
  EXPECT_EQ(server.requests().size(), 0u);

  auto allowed = Tools(R"({"host": "localhost", "port": )" + std::to_string(server.port()) + R"(, "allow_private": true})",
                       server.port());
  ToolResult ok = Call(runner, allowed, "get_order", R"({"order_no": "A1"})");
  EXPECT_TRUE(ok.ok) << ok.error;
}

TEST(HttpToolRunner, RefusesHostsOutsideTheAllowlistBeforeSending) {
  net::HttpClient client;
  HttpToolRunner runner(&client);
  for (const char* host : {"127.0.0.1:1", "10.0.0.1:80", "169.254.169.254:80"}) {
    // A registry whose allowlist names a different port than the URL cannot even load...
    ToolRegistryOptions o;
    o.variables["server"] = host;
    auto reg = ToolRegistry::Load(json::parse(R"({"allowlist": ["127.0.0.1:2"], "tools": [{"name": "t", "url": "http://{{server}}/x"}]})"), o);
    EXPECT_EQ(reg.status().code(), StatusCode::kPermissionDenied) << host;
  }
  // ...and an IP literal allowlisted without allow_private for a *different* address is refused
  // at connect time too (the AddressFilter compares the resolved IP).
  HostAllowlist list;
  list.Add(*HostAllowlist::ParseEntry("127.0.0.1:8080"));
  EXPECT_FALSE(list.AllowsConnect("127.0.0.1", "127.0.0.2", 8080));
  // Unknown tools fail synchronously.
  ToolResult r = Call(runner, Tools("\"127.0.0.1:9\"", 9), "nope", "{}");
  EXPECT_EQ(r.error_code, "not_found");
  ToolResult bad = Call(runner, Tools("\"127.0.0.1:9\"", 9), "get_order", R"({"order_no": 5})");
  EXPECT_EQ(bad.error_code, "invalid_argument");
}

TEST(HttpToolRunner, TimeoutsRedirectsAndServerErrorsAreResultsNotCrashes) {
  int mode = 0;
  LoopbackServer server([&mode](const testing::SeenRequest& r) -> LoopbackServer::Reply {
    if (r.target.find("slow") != std::string::npos) return {0, "", ""};
    if (r.target.find("moved") != std::string::npos) return {302, "{}", "Location: http://169.254.169.254/latest\r\n"};
    return {503, R"({"error": {"code": "unavailable"}})", ""};
  });
  (void)mode;
  net::HttpClient client;
  HttpToolRunner runner(&client);
  auto tools = Tools("\"127.0.0.1:" + std::to_string(server.port()) + "\"", server.port(), 300);
  auto t0 = std::chrono::steady_clock::now();
  ToolResult slow = Call(runner, tools, "get_order", R"({"order_no": "slow"})");
  EXPECT_FALSE(slow.ok);
  EXPECT_EQ(slow.error_code, "deadline_exceeded") << slow.error;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));

  ToolResult moved = Call(runner, tools, "get_order", R"({"order_no": "moved"})");
  EXPECT_FALSE(moved.ok);
  EXPECT_EQ(moved.http_status, 302);  // not followed
  ToolResult down = Call(runner, tools, "get_order", R"({"order_no": "x"})");
  EXPECT_FALSE(down.ok);
  EXPECT_EQ(down.http_status, 503);
  EXPECT_EQ(down.error_code, "http_error");
  server.Stop();
}

}  // namespace
}  // namespace lingxi::flows
