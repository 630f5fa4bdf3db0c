#include "flows/tool.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "flows/host_allowlist.h"
#include "flows/tool_registry.h"

namespace lingxi::flows {
namespace {

namespace json = boost::json;

HostAllowlist Allow(std::initializer_list<const char*> entries) {
  HostAllowlist list;
  for (const char* e : entries) list.Add(*HostAllowlist::ParseEntry(e));
  return list;
}

const char* kOrderTool = R"({
  "name": "get_order", "description": {"en": "Look up an order", "zh": "查询订单"},
  "parameters": {"type": "object", "properties": {
      "order_no": {"type": "string", "pattern": "^[A-Z]{2}[0-9]{8,12}$", "maxLength": 20},
      "qty": {"type": "integer", "minimum": 1, "maximum": 10},
      "kind": {"type": "string", "enum": ["a", "b"]},
      "customer_id": {"type": "string"}},
    "required": ["order_no"]},
  "method": "GET",
  "url": "https://shop.example/api/orders/{order_no}?customer_id={customer_id}",
  "headers": {"Authorization": "Bearer ${secret:SHOP_TOKEN}"},
  "response_fields": ["status", "tracking.events[0].description", "tracking.events[-1].description", "delivery.signed_by", "missing.field"],
  "customer_param": "customer_id"
})";

class ToolTest : public ::testing::Test {
 protected:
  Result<ToolDefinition> Parse(std::string_view text) {
    ToolLoadOptions o;
    o.allowlist = &allow_;
    o.secrets = &secrets_;
    return ParseToolDefinition(json::parse(text), o);
  }
  ToolDefinition Order() {
    auto t = Parse(kOrderTool);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return std::move(*t);
  }
  // The order tool with one field changed.
  Result<ToolDefinition> OrderWith(std::string_view key, json::value v) {
    json::value doc = json::parse(kOrderTool);
    doc.as_object()[key] = std::move(v);
    return Parse(json::serialize(doc));
  }
  HostAllowlist allow_ = Allow({"shop.example"});
  Secrets secrets_{{"SHOP_TOKEN", "s3cret"}};
};

TEST_F(ToolTest, ParsesAValidDefinitionAndHidesTheCustomerParamFromTheModel) {
  ToolDefinition t = Order();
  EXPECT_EQ(t.name, "get_order");
  EXPECT_EQ(t.description, "Look up an order / 查询订单");
  json::object schema = ModelSchema(t);
  const json::object& props = schema.at("parameters").at("properties").as_object();
  EXPECT_TRUE(props.contains("order_no"));
  EXPECT_FALSE(props.contains("customer_id"));
  EXPECT_EQ(schema.at("parameters").at("required"), json::parse(R"(["order_no"])"));
}

TEST_F(ToolTest, RejectsBadDefinitionsNamingToolAndField) {
  auto expect_bad = [&](Result<ToolDefinition> r, StatusCode code, std::string_view needle) {
    ASSERT_FALSE(r.ok()) << needle;
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
  };
  expect_bad(OrderWith("url", "https://evil.example/api/{order_no}"), StatusCode::kPermissionDenied, "evil.example");
  expect_bad(OrderWith("url", "https://shop.example:8443/api/{order_no}"), StatusCode::kPermissionDenied, "8443");
  expect_bad(OrderWith("url", "ftp://shop.example/{order_no}"), StatusCode::kInvalidArgument, "scheme");
  expect_bad(OrderWith("url", "https://{order_no}.shop.example/x"), StatusCode::kInvalidArgument, "path and query");
  expect_bad(OrderWith("url", "https://shop.example/api/{nope}"), StatusCode::kInvalidArgument, "{nope}");
  expect_bad(OrderWith("url", "https://user:pw@shop.example/api/{order_no}"), StatusCode::kInvalidArgument, "user info");
  expect_bad(OrderWith("method", "TRACE"), StatusCode::kInvalidArgument, "get_order: method");
  expect_bad(OrderWith("headers", json::parse(R"({"Authorization": "Bearer ${secret:OTHER}"})")),
             StatusCode::kInvalidArgument, "unknown secret 'OTHER'");
  expect_bad(OrderWith("headers", json::parse(R"({"X": "${env:HOME}"})")), StatusCode::kInvalidArgument, "secret:NAME");
  expect_bad(OrderWith("headers", json::parse(R"({"Host": "internal"})")), StatusCode::kInvalidArgument, "headers.Host");
  expect_bad(OrderWith("body", json::parse(R"({"a": "{order_no}"})")), StatusCode::kInvalidArgument, "get_order: body");
  expect_bad(OrderWith("response_fields", json::parse(R"(["a..b"])")), StatusCode::kInvalidArgument, "response_fields");
  expect_bad(OrderWith("timeout_ms", 60000), StatusCode::kInvalidArgument, "timeout_ms");
  expect_bad(OrderWith("customer_param", "qty"), StatusCode::kInvalidArgument, "customer_param");
  expect_bad(OrderWith("frobnicate", true), StatusCode::kInvalidArgument, "frobnicate");
  expect_bad(OrderWith("parameters", json::parse(R"({"type":"object","properties":{"x":{"type":"array"}}})")),
             StatusCode::kInvalidArgument, "parameters.x");
  expect_bad(OrderWith("parameters", json::parse(R"({"type":"object","properties":{"x":{"type":"string","pattern":"("}}})")),
             StatusCode::kInvalidArgument, "invalid pattern");
  expect_bad(OrderWith("parameters", json::parse(R"({"type":"object","properties":{"x":{"type":"string","pattern":"a{99999999999}"}}})")),
             StatusCode::kInvalidArgument, "over 99999");
  expect_bad(OrderWith("parameters", json::parse(R"({"type":"object","properties":{"x":{"type":"integer","enum":["a"]}}})")),
             StatusCode::kInvalidArgument, "enum value");
  expect_bad(OrderWith("parameters", json::parse(R"({"type":"object","properties":{},"required":["x"]})")),
             StatusCode::kInvalidArgument, "'x' is not a property");
  expect_bad(OrderWith("name", "bad name!"), StatusCode::kInvalidArgument, "name");
}

TEST_F(ToolTest, ValidatesArgumentsAgainstTheSchema) {
  ToolDefinition t = Order();
  auto bad = [&](const char* args, std::string_view needle) {
    auto r = ValidateArguments(t, json::parse(args).as_object(), "cust-1");
    ASSERT_FALSE(r.ok()) << args;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
  };
  bad(R"({})", "order_no: is required");
  bad(R"({"order_no": 12})", "must be a string");
  bad(R"({"order_no": "lx20240001"})", "pattern");
  bad(R"({"order_no": "LX20240001000000000000"})", "longer than 20");
  bad(R"({"order_no": "LX20240001", "qty": 0})", "minimum");
  bad(R"({"order_no": "LX20240001", "qty": 2.5})", "integer");
  bad(R"({"order_no": "LX20240001", "kind": "c"})", "one of");
  bad(R"({"order_no": "LX20240001", "admin": true})", "unknown argument");
  auto ok = ValidateArguments(t, json::parse(R"({"order_no": "LX20240001", "qty": "3"})").as_object(), "cust-1");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->at("qty"), json::value(3));  // numeric strings are coerced
}

TEST_F(ToolTest, CustomerParamIsAlwaysTheServersValue) {
  ToolDefinition t = Order();
  auto r = ValidateArguments(t, json::parse(R"({"order_no": "LX20240001", "customer_id": "cust-OTHER"})").as_object(), "cust-1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("customer_id"), json::value("cust-1"));
  auto req = PrepareRequest(t, *r, secrets_, allow_);
  ASSERT_TRUE(req.ok()) << req.status().ToString();
  EXPECT_EQ(req->url, "https://shop.example/api/orders/LX20240001?customer_id=cust-1");
  // Without a known customer the call is refused rather than sent without identity.
  auto anon = ValidateArguments(t, json::parse(R"({"order_no": "LX20240001", "customer_id": "x"})").as_object(), "");
  EXPECT_EQ(anon.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(ToolTest, SecretsAreResolvedAtCallTimeOnly) {
  ToolDefinition t = Order();
  EXPECT_EQ(t.headers[0].second, "Bearer ${secret:SHOP_TOKEN}");
  auto args = ValidateArguments(t, json::parse(R"({"order_no": "LX20240001"})").as_object(), "c");
  auto req = PrepareRequest(t, *args, secrets_, allow_);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->headers[0], (std::pair<std::string, std::string>("Authorization", "Bearer s3cret")));
  auto missing = PrepareRequest(t, *args, Secrets{}, allow_);
  EXPECT_EQ(missing.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(ToolTest, UrlValuesCannotChangePathOrQuery) {
  auto t = Parse(R"({"name": "search", "url": "https://shop.example/api/items/{q}?page={page}",
                     "parameters": {"type": "object", "properties": {"q": {"type": "string"}, "page": {"type": "string"}}}})");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  auto build = [&](const char* args) {
    auto a = ValidateArguments(*t, json::parse(args).as_object(), "");
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return PrepareRequest(*t, *a, {}, allow_);
  };
  auto r = build(R"({"q": "../admin?x=1#f", "page": "1&admin=true"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->url, "https://shop.example/api/items/..%2Fadmin%3Fx%3D1%23f?page=1%26admin%3Dtrue");
  EXPECT_EQ(r->host, "shop.example");
  EXPECT_EQ(build(R"({"q": "..", "page": "1"})").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(build(R"({"q": ".", "page": "1"})").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(build(R"({"page": "1"})").status().code(), StatusCode::kInvalidArgument);  // empty path segment
  auto utf8 = build(R"({"q": "耳机 x", "page": ""})");
  ASSERT_TRUE(utf8.ok());
  EXPECT_EQ(utf8->url, "https://shop.example/api/items/%E8%80%B3%E6%9C%BA%20x?page=");
}

TEST_F(ToolTest, BodyTemplateKeepsTypesAndCannotBeInjected) {
  auto t = Parse(R"({"name": "claim", "method": "POST", "url": "https://shop.example/claims",
     "parameters": {"type": "object", "properties": {"order_no": {"type": "string"}, "n": {"type": "integer"},
                                                     "note": {"type": "string"}}},
     "body": {"order": "{order_no}", "count": "{n}", "text": "note: {note}", "opt": "{note}"}})");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  auto a = ValidateArguments(*t, json::parse(R"({"order_no": "A\", \"admin\": true", "n": 2})").as_object(), "");
  ASSERT_TRUE(a.ok());
  auto r = PrepareRequest(*t, *a, {}, allow_);
  ASSERT_TRUE(r.ok());
  json::value body = json::parse(r->body);
  EXPECT_EQ(body.at("order"), json::value("A\", \"admin\": true"));
  EXPECT_FALSE(body.as_object().contains("admin"));
  EXPECT_EQ(body.at("count"), json::value(2));
  EXPECT_EQ(body.at("text"), json::value("note: "));
  EXPECT_FALSE(body.as_object().contains("opt"));  // missing optional parameter: member omitted
}

TEST_F(ToolTest, ResponseFieldsKeepOnlyTheListedPaths) {
  ToolDefinition t = Order();
  const char* body = R"({"status": "delivered", "secret_internal": "x",
     "tracking": {"events": [{"description": "collected"}, {"description": "delivered"}]},
     "delivery": {"signed_by": "前台", "gps": [1, 2]}})";
  ToolResult r = ResultFromResponse(t, 200, body, 12);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.fields.size(), 4u);
  EXPECT_EQ(r.fields.at("status"), json::value("delivered"));
  EXPECT_EQ(r.fields.at("tracking.events[0].description"), json::value("collected"));
  EXPECT_EQ(r.fields.at("tracking.events[-1].description"), json::value("delivered"));
  EXPECT_EQ(r.fields.at("delivery.signed_by"), json::value("前台"));
  EXPECT_FALSE(r.fields.contains("secret_internal"));

  ToolResult not_json = ResultFromResponse(t, 200, "<html>", 1);
  EXPECT_FALSE(not_json.ok);
  EXPECT_EQ(not_json.error_code, "invalid_response");
  ToolResult err = ResultFromResponse(t, 503, R"({"status": "down"})", 1);
  EXPECT_FALSE(err.ok);
  EXPECT_EQ(err.http_status, 503);
  EXPECT_EQ(err.error_code, "http_error");

  auto round = ToolResultFromJson(json::value(ToolResultToJson(r)));
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round->fields, r.fields);
  EXPECT_EQ(round->elapsed_ms, 12);
  EXPECT_EQ(round->tool, "get_order");
}

TEST(HostAllowlist, RefusesPrivateAddressesUnlessNamedExactly) {
  for (const char* ip : {"127.0.0.1", "127.9.9.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                         "169.254.169.254", "0.0.0.0", "100.64.0.1", "::1", "::", "fc00::1", "fd12::1", "fe80::1",
                         "::ffff:127.0.0.1", "::ffff:10.0.0.1", "not-an-ip", ""})
    EXPECT_TRUE(IsSpecialAddress(ip)) << ip;
  for (const char* ip : {"93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111"}) EXPECT_FALSE(IsSpecialAddress(ip)) << ip;

  HostAllowlist list = Allow({"shop.example", "127.0.0.1:8080", "[::1]:9000"});
  EXPECT_TRUE(list.AllowsConnect("shop.example", "93.184.216.34", 443));
  // An allowlisted public name resolving to an internal address (DNS rebinding, metadata).
  EXPECT_FALSE(list.AllowsConnect("shop.example", "169.254.169.254", 443));
  EXPECT_FALSE(list.AllowsConnect("shop.example", "10.0.0.5", 443));
  EXPECT_FALSE(list.AllowsConnect("shop.example", "127.0.0.1", 443));
  EXPECT_FALSE(list.AllowsConnect("shop.example", "93.184.216.34", 8443));
  EXPECT_FALSE(list.AllowsConnect("other.example", "93.184.216.34", 443));
  // The exact IP literal in the allowlist is allowed, on its port only.
  EXPECT_TRUE(list.AllowsConnect("127.0.0.1", "127.0.0.1", 8080));
  EXPECT_FALSE(list.AllowsConnect("127.0.0.1", "127.0.0.1", 8081));
  EXPECT_TRUE(list.AllowsConnect("[::1]", "::1", 9000));
  EXPECT_FALSE(list.AllowsConnect("10.0.0.1", "10.0.0.1", 8080));

  auto named = HostAllowlist::FromJson(json::parse(R"([{"host": "shop.internal", "port": 8080, "allow_private": true}])"));
  ASSERT_TRUE(named.ok());
  EXPECT_TRUE(named->AllowsConnect("shop.internal", "10.0.0.7", 8080));

  EXPECT_FALSE(HostAllowlist::ParseEntry("host:99999").ok());
  EXPECT_FALSE(HostAllowlist::ParseEntry("::1").ok());
  EXPECT_FALSE(HostAllowlist::ParseEntry("a/b").ok());
  EXPECT_FALSE(HostAllowlist::ParseEntry("host:").ok());
}

TEST(ToolRegistry, LoadsTheDemoToolsWithTheServerVariable) {
  ToolRegistryOptions o;
  o.variables["server"] = "127.0.0.1:18080";
  auto reg = ToolRegistry::LoadFile(LINGXI_SOURCE_DIR "/data/demo/tools.json", o);
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  for (const char* name : {"get_order", "track_shipment", "get_subscription", "create_claim"})
    EXPECT_NE((*reg)->Find(name), nullptr) << name;
  EXPECT_NE((*reg)->allowlist().Match("127.0.0.1", 18080, 80), nullptr);
  EXPECT_EQ((*reg)->allowlist().Match("127.0.0.1", 18081, 80), nullptr);
  json::array tools = (*reg)->ModelTools();
  ASSERT_EQ(tools.size(), 4u);
  EXPECT_EQ(json::serialize(tools).find("customer_id"), std::string::npos);

  // Without the variable the document does not load.
  auto missing = ToolRegistry::LoadFile(LINGXI_SOURCE_DIR "/data/demo/tools.json", {});
  EXPECT_FALSE(missing.ok());
  // A duplicate name is rejected.
  auto dup = ToolRegistry::Load(json::parse(R"({"allowlist": ["a.example"], "tools": [
      {"name": "t", "url": "https://a.example/x"}, {"name": "t", "url": "https://a.example/y"}]})"), {});
  EXPECT_EQ(dup.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace lingxi::flows
