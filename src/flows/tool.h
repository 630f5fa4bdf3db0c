// Declarative HTTP tools: a JSON definition of one call to a business API (orders, shipping,
// subscriptions), validated at load, with call arguments validated against its schema before
// any request is built. Pure and synchronous; the network part is HttpToolRunner.
//
// Definition (one object; all keys other than name/method/url are optional):
//   {
//     "name": "get_order",                       // [A-Za-z0-9_-]{1,64}
//     "description": "Look up an order" | {"en": "...", "zh": "..."},
//     "parameters": {"type": "object",
//                    "properties": {"order_no": {"type": "string", "pattern": "^[A-Z]{2}[0-9]{8,12}$",
//                                                "maxLength": 32, "description": "..."},
//                                   "customer_id": {"type": "string"}},
//                    "required": ["order_no"]},  // types: string|integer|number|boolean; enum,
//                                                // pattern (JSON Schema: unanchored search),
//                                                // maxLength (default 256), minimum, maximum
//     "method": "GET",                           // GET POST PUT PATCH DELETE
//     "url": "https://shop.example/api/orders/{order_no}?customer_id={customer_id}",
//     "headers": {"Authorization": "Bearer ${secret:SHOP_TOKEN}"},
//     "body": {"order_no": "{order_no}", "note": "claim for {order_no}"},   // POST/PUT/PATCH only
//     "response_fields": ["status", "tracking.events[-1].description"],
//     "timeout_ms": 5000, "max_response_bytes": 262144,
//     "customer_param": "customer_id"
//   }
// - `{param}` placeholders in the URL may appear only in the path and query; values are
//   percent-encoded (everything but A-Z a-z 0-9 - . _ ~), so '/', '?', '#', '&' in a value
//   cannot change the path or query, and a path value of "." or ".." is refused.
// - `{{name}}` in the URL is a load-time variable from ToolLoadOptions (e.g. {{server}}).
// - `${secret:NAME}` in header values is resolved from the server's secrets at call time;
//   the model never sees or sets secrets.
// - `customer_param` names a string parameter the server fills with the current customer's
//   external id; any value the model or a flow gives is overwritten, and ModelSchema() hides it.
// - The response must be JSON; only `response_fields` are kept, as a flat object keyed by the
//   path strings ({"status": "delivered", "tracking.events[-1].description": "..."}).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "flows/host_allowlist.h"
#include "flows/json_path.h"

namespace lingxi::flows {

using Secrets = std::map<std::string, std::string>;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

enum class ParamType { kString, kInteger, kNumber, kBoolean };

struct ToolParameter {
  std::string name;
  ParamType type = ParamType::kString;
  boost::json::object schema;  // the property schema as given (for ModelSchema)
  std::vector<boost::json::value> enum_values;
  std::shared_ptr<const std::regex> pattern;  // null if none
  size_t max_length = 256;                    // strings, in code points
  std::optional<double> minimum, maximum;     // integer/number
  bool required = false;
};

struct ToolDefinition {
  std::string name;
  std::string description;  // for the model; "en / zh" when given per language
  std::vector<ToolParameter> parameters;
  std::string method = "GET";
  std::string url_template;  // load-time variables already substituted
  HeaderList headers;        // values may still hold ${secret:NAME}
  std::optional<boost::json::value> body_template;
  std::vector<std::pair<std::string, JsonPath>> response_fields;
  std::chrono::milliseconds timeout{5000};
  size_t max_response_bytes = 256 * 1024;
  std::string customer_param;

  const ToolParameter* FindParameter(std::string_view name) const;
};

struct ToolLoadOptions {
  const HostAllowlist* allowlist = nullptr;  // REQUIRED
  const Secrets* secrets = nullptr;          // names that may be referenced (null = none)
  std::map<std::string, std::string> variables;  // {{name}} in URLs, e.g. server -> 127.0.0.1:8080
};

// Parses and validates one definition. InvalidArgument "tool <name>: <field>: <why>" on a bad
// definition; PermissionDenied if the URL's host[:port] is not in the allowlist.
Result<ToolDefinition> ParseToolDefinition(const boost::json::value& v, const ToolLoadOptions& options);

// The function schema offered to a model: {"name","description","parameters"} without
// customer_param.
boost::json::object ModelSchema(const ToolDefinition& tool);

// Validates `args` (from a model or a flow) against the schema and returns the arguments to
// use, with customer_param set to `customer_id`. Unknown arguments, wrong types, missing
// required ones, enum/pattern/length/range violations: InvalidArgument naming tool and
// argument. Numeric strings are accepted for integer/number and "true"/"false" for boolean.
// FailedPrecondition if the tool needs a customer and `customer_id` is empty.
Result<boost::json::object> ValidateArguments(const ToolDefinition& tool, const boost::json::object& args,
                                              std::string_view customer_id);

// A request ready to send.
struct PreparedRequest {
  std::string method;
  std::string url;
  std::string scheme;  // http | https
  std::string host;    // as in the URL (IPv6 without brackets)
  int port = 0;
  HeaderList headers;
  std::string body;
  std::chrono::milliseconds timeout{5000};
  size_t max_response_bytes = 0;
};

// Builds the request from validated arguments. Checks the URL's host against `allowlist`
// again (PermissionDenied), resolves secrets (FailedPrecondition if one is missing),
// InvalidArgument for an empty/dot path value.
Result<PreparedRequest> PrepareRequest(const ToolDefinition& tool, const boost::json::object& args,
                                       const Secrets& secrets, const HostAllowlist& allowlist);

// The outcome of one tool call, as stored on a conversation and shown to agents.
struct ToolResult {
  std::string tool;
  bool ok = false;
  int http_status = 0;          // 0 if no response
  boost::json::object fields;   // kept response fields (see header comment)
  std::string error_code;       // empty if ok; a StatusCode name or "http_error"/"invalid_response"
  std::string error;            // human-readable, empty if ok
  int64_t elapsed_ms = 0;
};
boost::json::object ToolResultToJson(const ToolResult& r);
Result<ToolResult> ToolResultFromJson(const boost::json::value& v);

// The result for an HTTP response: ok iff 2xx with a JSON body. Fields are extracted from any
// JSON body (also error bodies). Kept strings are capped at 500 code points; a kept value whose
// JSON exceeds 4 KB is dropped.
ToolResult ResultFromResponse(const ToolDefinition& tool, int http_status, std::string_view body, int64_t elapsed_ms);
// The result for a call that got no response (refused, timeout, invalid arguments, ...).
ToolResult ResultFromError(std::string_view tool, const Status& status, int64_t elapsed_ms);

// Percent-encodes everything but unreserved characters (RFC 3986).
std::string PercentEncode(std::string_view s);

}  // namespace lingxi::flows
