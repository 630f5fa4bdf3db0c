// Declarative HTTP tools (flows/tool.h) end to end on one JSON document
// {"tool": <definition>, "args": {...}, "status": 200, "response": "<body>"}: the definition as an
// admin writes it, the arguments as a model or a flow gives them, the response as a business API
// sends it.
// Invariants: a bad definition is InvalidArgument or PermissionDenied, never a crash or a throw;
// an accepted one has a model schema without the customer parameter; arguments that validate
// give a request whose scheme, host and port are the definition's, which is allowlisted, whose
// path has the template's segments (argument values cannot add '/' or '?', nor a fragment) and
// whose body is JSON; headers carry no control characters; the response is reduced to the
// declared fields (strings valid UTF-8, at most 500 code points), ok exactly for a 2xx JSON
// body, and the result survives ToolResultToJson / ToolResultFromJson.
#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cstdint>
#include <string>

#include "core/json.h"
#include "core/utf8.h"
#include "flows/host_allowlist.h"
#include "flows/tool.h"
#include "fuzz_check.h"

namespace {

namespace json = boost::json;
using lingxi::fuzz::Printable;
using namespace lingxi::flows;

const HostAllowlist& Allowlist() {
  static const HostAllowlist list = [] {
    json::value v = json::parse(R"(["shop.example.com", "127.0.0.1:8080", "[::1]:9000",
                                    {"host": "erp.internal", "port": 8443, "allow_private": true}])");
    return *HostAllowlist::FromJson(v);
  }();
  return list;
}

const Secrets& TheSecrets() {
  static const Secrets secrets = {{"SHOP_TOKEN", "s3cret-token"}, {"ERP_KEY", "k"}};
  return secrets;
}

// The template with {param} placeholders replaced by "x", parsed.
std::string Sample(const std::string& url_template) {
  std::string out;
  for (size_t i = 0; i < url_template.size(); ++i) {
    if (url_template[i] == '{') {
      i = url_template.find('}', i);
      out += "x";
    } else {
      out += url_template[i];
    }
  }
  return out;
}

size_t Count(std::string_view s, char c) { return static_cast<size_t>(std::count(s.begin(), s.end(), c)); }

void CheckRequest(const ToolDefinition& tool, const PreparedRequest& r) {
  const std::string where = "\ntemplate " + Printable(tool.url_template) + "\nurl " + Printable(r.url);
  auto url = boost::urls::parse_absolute_uri(r.url);
  LINGXI_FUZZ_CHECK(url.has_value(), "prepared URL does not parse" + where);
  const std::string sample_text = Sample(tool.url_template);  // the url_view points into it
  auto sample = boost::urls::parse_absolute_uri(sample_text);
  LINGXI_FUZZ_CHECK(sample.has_value(), "template does not parse" + where);
  LINGXI_FUZZ_CHECK(url->scheme() == sample->scheme() && url->host_address() == sample->host_address() &&
                        url->port() == sample->port() && r.scheme == std::string(url->scheme()),
                    "scheme/host/port changed" + where);
  LINGXI_FUZZ_CHECK(Allowlist().Match(r.host, r.port, r.scheme == "https" ? 443 : 80) != nullptr,
                    "not allowlisted" + where);
  LINGXI_FUZZ_CHECK(Count(url->encoded_path(), '/') == Count(sample->encoded_path(), '/'),
                    "path segments changed" + where);
  LINGXI_FUZZ_CHECK(url->has_query() == sample->has_query() && !url->has_fragment() &&
                        Count(url->encoded_query(), '&') == Count(sample->encoded_query(), '&'),
                    "query changed" + where);
  for (const auto& [name, value] : r.headers) {
    for (unsigned char c : name + value)
      LINGXI_FUZZ_CHECK(c >= 0x20 && c != 0x7f, "control character in header " + Printable(name) + where);
  }
  if (tool.body_template) {
    boost::system::error_code ec;
    (void)json::parse(r.body, ec);
    LINGXI_FUZZ_CHECK(!ec, "body is not JSON: " + Printable(r.body) + where);
  }
}

void CheckResult(const ToolDefinition& tool, int status, const std::string& body) {
  const ToolResult r = ResultFromResponse(tool, status, body, 5);
  boost::system::error_code ec;
  (void)lingxi::ParseJson(body, ec);  // as tool_call.cc reads a response
  LINGXI_FUZZ_CHECK(r.ok == (status >= 200 && status <= 299 && !ec), "ok is wrong for HTTP " + std::to_string(status));
  for (const auto& kv : r.fields) {
    const bool declared = std::any_of(tool.response_fields.begin(), tool.response_fields.end(),
                                      [&](const auto& f) { return f.first == kv.key(); });
    LINGXI_FUZZ_CHECK(declared, "undeclared field " + Printable(kv.key()));
    if (const json::string* s = kv.value().if_string()) {
      LINGXI_FUZZ_CHECK(lingxi::IsValidUtf8(*s) && lingxi::Utf8Length(*s) <= 500, "kept string " + Printable(*s));
    }
  }
  auto back = ToolResultFromJson(ToolResultToJson(r));
  LINGXI_FUZZ_CHECK(back.ok(), "result does not read back: " + back.status().ToString());
  LINGXI_FUZZ_CHECK(ToolResultToJson(*back) == ToolResultToJson(r), "result changed on the way back");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  boost::system::error_code ec;
  json::value doc = lingxi::ParseJson(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec || !doc.is_object()) return 0;
  const json::object& o = doc.get_object();
  const json::value* def = o.if_contains("tool");
  if (def == nullptr) return 0;

  ToolLoadOptions options;
  options.allowlist = &Allowlist();
  options.secrets = &TheSecrets();
  options.variables = {{"server", "127.0.0.1:8080"}};
  auto tool = ParseToolDefinition(*def, options);
  if (!tool.ok()) {
    const auto code = tool.status().code();
    LINGXI_FUZZ_CHECK(code == lingxi::StatusCode::kInvalidArgument || code == lingxi::StatusCode::kPermissionDenied,
                      "unexpected error " + tool.status().ToString());
    return 0;
  }
  const json::object schema = ModelSchema(*tool);
  if (!tool->customer_param.empty()) {
    LINGXI_FUZZ_CHECK(!schema.at("parameters").at("properties").as_object().contains(tool->customer_param),
                      "model schema shows the customer parameter");
  }

  if (const json::value* args = o.if_contains("args"); args != nullptr && args->is_object()) {
    auto valid = ValidateArguments(*tool, args->get_object(), "cust-1001");
    if (valid.ok()) {
      auto request = PrepareRequest(*tool, *valid, TheSecrets(), Allowlist());
      if (request.ok()) CheckRequest(*tool, *request);
    }
  }
  const json::value* status = o.if_contains("status");
  const json::value* response = o.if_contains("response");
  if (status != nullptr && status->is_int64() && response != nullptr && response->is_string()) {
    CheckResult(*tool, static_cast<int>(std::clamp<int64_t>(status->get_int64(), 0, 999)),
                std::string(response->get_string()));
  }
  return 0;
}
