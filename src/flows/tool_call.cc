// Calling a tool: arguments checked against the definition, the request built (URL encoding,
// secrets, body template), and the response reduced to the kept fields.
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "core/json.h"
#include "core/utf8.h"
#include "flows/internal/tool_checks.h"
#include "flows/tool.h"

namespace lingxi::flows {

namespace json = boost::json;
using internal::Bad;
using internal::CheckValue;
using internal::Coerce;
using internal::ForEachPlaceholder;
using internal::HasControl;

namespace {

constexpr size_t kMaxKeptString = 500;
constexpr size_t kMaxKeptJson = 4096;

// Renders body template strings: exactly "{p}" keeps p's JSON type; otherwise text.
// Object members whose value is exactly a missing parameter are omitted.
std::optional<json::value> RenderBody(const json::value& v, const json::object& args) {
  if (const json::string* s = v.if_string()) {
    std::string_view sv = *s;
    if (sv.size() > 2 && sv.front() == '{' && sv.back() == '}' && sv.find('{', 1) == std::string_view::npos) {
      const json::value* a = args.if_contains(sv.substr(1, sv.size() - 2));
      if (!a) return std::nullopt;
      return *a;
    }
    std::string out;
    size_t last = 0;
    ForEachPlaceholder(sv, [&](std::string_view name, size_t b, size_t e) {
      out.append(sv.substr(last, b - last));
      if (const json::value* a = args.if_contains(name)) out += JsonToText(*a);
      last = e;
      return true;
    });
    out.append(sv.substr(last));
    return json::value(out);
  }
  if (const json::object* o = v.if_object()) {
    json::object out;
    for (const auto& kv : *o)
      if (auto r = RenderBody(kv.value(), args)) out[kv.key()] = std::move(*r);
    return json::value(std::move(out));
  }
  if (const json::array* a = v.if_array()) {
    json::array out;
    for (const json::value& e : *a) out.push_back(RenderBody(e, args).value_or(json::value(nullptr)));
    return json::value(std::move(out));
  }
  return v;
}

Result<std::string> ResolveSecrets(const ToolDefinition& t, std::string_view value, const Secrets& secrets) {
  std::string out;
  size_t i = 0;
  while (true) {
    size_t open = value.find("${secret:", i);
    if (open == std::string_view::npos) break;
    size_t close = value.find('}', open);
    std::string name(value.substr(open + 9, close - open - 9));
    auto it = secrets.find(name);
    if (it == secrets.end()) return FailedPrecondition("tool " + t.name + ": secret '" + name + "' is not configured");
    if (HasControl(it->second)) return FailedPrecondition("tool " + t.name + ": secret '" + name + "' contains control characters");
    out.append(value.substr(i, open - i));
    out += it->second;
    i = close + 1;
  }
  out.append(value.substr(i));
  return out;
}

}  // namespace

std::string PercentEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<json::object> ValidateArguments(const ToolDefinition& t, const json::object& args, std::string_view customer_id) {
  json::object out;
  for (const auto& kv : args) {
    if (kv.key() == t.customer_param) continue;  // never from the caller
    const ToolParameter* p = t.FindParameter(kv.key());
    if (!p) return Bad(t.name, "argument " + std::string(kv.key()), "unknown argument");
    if (kv.value().is_null() && !p->required) continue;
    auto v = Coerce(*p, kv.value());
    if (!v.ok()) return Bad(t.name, "argument " + p->name, v.status().message());
    Status s = CheckValue(*p, *v);
    if (!s.ok()) return Bad(t.name, "argument " + p->name, s.message());
    out[p->name] = std::move(*v);
  }
  if (!t.customer_param.empty()) {
    if (customer_id.empty()) return FailedPrecondition("tool " + t.name + " needs the customer's identity, which is unknown");
    const ToolParameter* p = t.FindParameter(t.customer_param);
    json::value v(customer_id);
    Status s = CheckValue(*p, v);
    if (!s.ok()) return Bad(t.name, "customer identity", s.message());
    out[t.customer_param] = std::move(v);
  }
  for (const ToolParameter& p : t.parameters)
    if (p.required && !out.contains(p.name)) return Bad(t.name, "argument " + p.name, "is required");
  return out;
}

Result<PreparedRequest> PrepareRequest(const ToolDefinition& t, const json::object& args, const Secrets& secrets,
                                       const HostAllowlist& allowlist) {
  PreparedRequest r;
  r.method = t.method;
  r.timeout = t.timeout;
  r.max_response_bytes = t.max_response_bytes;
  const std::string& tpl = t.url_template;
  const size_t query_start = tpl.find('?');
  size_t last = 0;
  Status inner;
  ForEachPlaceholder(tpl, [&](std::string_view name, size_t b, size_t e) {
    const json::value* a = args.if_contains(name);
    std::string value = a ? JsonToText(*a) : std::string();
    bool in_path = query_start == std::string::npos || b < query_start;
    if (in_path && (value.empty() || value == "." || value == ".."))
      inner = Bad(t.name, "argument " + std::string(name), "an empty, '.' or '..' value cannot be used in a URL path");
    r.url.append(tpl, last, b - last);
    r.url += PercentEncode(value);
    last = e;
    return inner.ok();
  });
  if (!inner.ok()) return inner;
  r.url.append(tpl, last);
  auto parsed = boost::urls::parse_absolute_uri(r.url);
  if (!parsed) return Internal("tool " + t.name + ": built an invalid URL");
  r.scheme = std::string(parsed->scheme());
  r.host = std::string(parsed->host_address());
  int default_port = r.scheme == "https" ? 443 : 80;
  r.port = parsed->has_port() ? static_cast<int>(parsed->port_number()) : default_port;
  if ((r.scheme != "http" && r.scheme != "https") || !allowlist.Match(r.host, r.port, default_port))
    return PermissionDenied("tool " + t.name + ": host " + r.host + ":" + std::to_string(r.port) + " is not allowlisted");
  for (const auto& [name, value] : t.headers) {
    LINGXI_ASSIGN_OR_RETURN(std::string v, ResolveSecrets(t, value, secrets));
    r.headers.emplace_back(name, std::move(v));
  }
  r.headers.emplace_back("Accept", "application/json");
  if (t.body_template) {
    r.body = json::serialize(RenderBody(*t.body_template, args).value_or(json::value(nullptr)));
    r.headers.emplace_back("Content-Type", "application/json");
  }
  return r;
}

json::object ToolResultToJson(const ToolResult& r) {
  json::object o{{"tool", r.tool}, {"ok", r.ok}, {"http_status", r.http_status}, {"fields", r.fields},
                 {"elapsed_ms", r.elapsed_ms}};
  if (!r.ok) {
    o["error_code"] = r.error_code;
    o["error"] = r.error;
  }
  return o;
}

Result<ToolResult> ToolResultFromJson(const json::value& v) {
  const json::object* o = v.if_object();
  if (!o) return InvalidArgument("tool result must be an object");
  ToolResult r;
  const json::value* ok = o->if_contains("ok");
  if (!ok || !ok->is_bool()) return InvalidArgument("tool result: ok must be a boolean");
  r.ok = ok->get_bool();
  if (const json::value* s = o->if_contains("tool"); s && s->is_string()) r.tool = std::string(s->get_string());
  if (const json::value* s = o->if_contains("http_status"); s && s->is_int64()) r.http_status = static_cast<int>(s->get_int64());
  if (const json::value* s = o->if_contains("fields")) {
    if (!s->is_object()) return InvalidArgument("tool result: fields must be an object");
    r.fields = s->get_object();
  }
  if (const json::value* s = o->if_contains("error_code"); s && s->is_string()) r.error_code = std::string(s->get_string());
  if (const json::value* s = o->if_contains("error"); s && s->is_string()) r.error = std::string(s->get_string());
  if (const json::value* s = o->if_contains("elapsed_ms"); s && s->is_int64()) r.elapsed_ms = s->get_int64();
  return r;
}

ToolResult ResultFromResponse(const ToolDefinition& t, int http_status, std::string_view body, int64_t elapsed_ms) {
  ToolResult r;
  r.tool = t.name;
  r.http_status = http_status;
  r.elapsed_ms = elapsed_ms;
  boost::system::error_code ec;
  json::value doc = ParseJson(body, ec);
  if (!ec) {
    for (const auto& [key, path] : t.response_fields) {
      const json::value* v = LookupJsonPath(doc, path);
      if (!v) continue;
      if (const json::string* s = v->if_string()) {
        if (!IsValidUtf8(*s)) continue;
        r.fields[key] = std::string(Utf8Prefix(*s, kMaxKeptString));
      } else if ((v->is_object() || v->is_array()) && json::serialize(*v).size() > kMaxKeptJson) {
        continue;
      } else {
        r.fields[key] = *v;
      }
    }
  }
  if (http_status < 200 || http_status > 299) {
    r.error_code = "http_error";
    r.error = "HTTP " + std::to_string(http_status);
    return r;
  }
  if (ec) {
    r.error_code = "invalid_response";
    r.error = "the response is not JSON";
    return r;
  }
  r.ok = true;
  return r;
}

ToolResult ResultFromError(std::string_view tool, const Status& status, int64_t elapsed_ms) {
  ToolResult r;
  r.tool = std::string(tool);
  r.elapsed_ms = elapsed_ms;
  r.error_code = std::string(StatusCodeName(status.code()));
  r.error = status.message();
  return r;
}

}  // namespace lingxi::flows
