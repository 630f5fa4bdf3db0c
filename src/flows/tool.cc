#include "flows/tool.h"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <charconv>
#include <cmath>

#include "core/utf8.h"

namespace lingxi::flows {

namespace json = boost::json;

namespace {

constexpr size_t kMaxKeptString = 500;
constexpr size_t kMaxKeptJson = 4096;

Status Bad(std::string_view tool, std::string_view field, std::string_view why) {
  return InvalidArgument("tool " + std::string(tool.empty() ? "?" : tool) + ": " + std::string(field) + ": " +
                         std::string(why));
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}
bool ValidName(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s)
    if (!IsNameChar(c)) return false;
  return true;
}
bool HasControl(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

// Calls `fn(name, begin, end)` for each single-brace placeholder {name} in `s` (end is one past
// '}'); returns false if a '{' is not a well-formed placeholder.
template <typename Fn>
bool ForEachPlaceholder(std::string_view s, Fn fn) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '}') return false;
    if (s[i] != '{') continue;
    size_t close = s.find('}', i);
    if (close == std::string_view::npos) return false;
    std::string_view name = s.substr(i + 1, close - i - 1);
    if (!ValidName(name, 64)) return false;
    if (!fn(name, i, close + 1)) return false;
    i = close;
  }
  return true;
}

Result<std::string> SubstituteVariables(std::string_view tool, std::string_view url,
                                        const std::map<std::string, std::string>& vars) {
  std::string out;
  size_t i = 0;
  while (i < url.size()) {
    size_t open = url.find("{{", i);
    if (open == std::string_view::npos) break;
    size_t close = url.find("}}", open);
    if (close == std::string_view::npos) return Bad(tool, "url", "unterminated {{variable}}");
    std::string name(url.substr(open + 2, close - open - 2));
    auto it = vars.find(name);
    if (it == vars.end()) return Bad(tool, "url", "unknown variable {{" + name + "}}");
    out.append(url.substr(i, open - i));
    out += it->second;
    i = close + 2;
  }
  out.append(url.substr(i));
  return out;
}

Result<ParamType> ParseType(std::string_view tool, std::string_view name, const json::value* t) {
  if (!t || !t->is_string()) return Bad(tool, "parameters." + std::string(name), "needs a string 'type'");
  std::string_view s = t->get_string();
  if (s == "string") return ParamType::kString;
  if (s == "integer") return ParamType::kInteger;
  if (s == "number") return ParamType::kNumber;
  if (s == "boolean") return ParamType::kBoolean;
  return Bad(tool, "parameters." + std::string(name), "type must be string, integer, number or boolean");
}

// Coerces `v` to the parameter's type. InvalidArgument (message without prefix) if impossible.
Result<json::value> Coerce(const ToolParameter& p, const json::value& v) {
  switch (p.type) {
    case ParamType::kString:
      if (!v.is_string()) return InvalidArgument("must be a string");
      return v;
    case ParamType::kInteger: {
      if (v.is_int64()) return v;
      if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX)) return json::value(static_cast<int64_t>(v.get_uint64()));
      if (v.is_double() && std::floor(v.get_double()) == v.get_double() && std::fabs(v.get_double()) < 9e15)
        return json::value(static_cast<int64_t>(v.get_double()));
      if (v.is_string()) {
        std::string_view s = v.get_string();
        int64_t n = 0;
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (!s.empty() && ec == std::errc() && ptr == s.data() + s.size()) return json::value(n);
      }
      return InvalidArgument("must be an integer");
    }
    case ParamType::kNumber: {
      if (v.is_number()) return v;
      if (v.is_string()) {
        std::string_view s = v.get_string();
        double d = 0;
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
        if (!s.empty() && ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(d)) return json::value(d);
      }
      return InvalidArgument("must be a number");
    }
    case ParamType::kBoolean:
      if (v.is_bool()) return v;
      if (v.is_string() && (v.get_string() == "true" || v.get_string() == "false"))
        return json::value(v.get_string() == "true");
      return InvalidArgument("must be a boolean");
  }
  return InvalidArgument("bad type");
}

Status CheckValue(const ToolParameter& p, const json::value& v) {
  if (p.type == ParamType::kString) {
    std::string_view s = v.get_string();
    if (!IsValidUtf8(s)) return InvalidArgument("is not valid UTF-8");
    if (HasControl(s)) return InvalidArgument("contains control characters");
    if (Utf8Length(s) > p.max_length) return InvalidArgument("is longer than " + std::to_string(p.max_length) + " characters");
    if (p.pattern && !std::regex_search(s.begin(), s.end(), *p.pattern))
      return InvalidArgument("does not match the pattern " + std::string(p.schema.at("pattern").as_string()));
  }
  if (p.type == ParamType::kInteger || p.type == ParamType::kNumber) {
    double d = v.is_int64() ? static_cast<double>(v.get_int64()) : v.to_number<double>();
    if (p.minimum && d < *p.minimum) return InvalidArgument("is below the minimum " + JsonToText(json::value(*p.minimum)));
    if (p.maximum && d > *p.maximum) return InvalidArgument("is above the maximum " + JsonToText(json::value(*p.maximum)));
  }
  if (!p.enum_values.empty()) {
    bool found = false;
    for (const json::value& e : p.enum_values) found |= (e == v);
    if (!found) return InvalidArgument("must be one of " + json::serialize(json::value_from(p.enum_values)));
  }
  return Status::Ok();
}

Result<ToolParameter> ParseParameter(std::string_view tool, const std::string& name, const json::value& sv) {
  const std::string field = "parameters." + name;
  if (!ValidName(name, 64)) return Bad(tool, field, "parameter names are [A-Za-z0-9_-]{1,64}");
  const json::object* s = sv.if_object();
  if (!s) return Bad(tool, field, "must be an object");
  ToolParameter p;
  p.name = name;
  p.schema = *s;
  LINGXI_ASSIGN_OR_RETURN(p.type, ParseType(tool, name, s->if_contains("type")));
  for (const auto& kv : *s) {
    std::string_view k = kv.key();
    const json::value& v = kv.value();
    if (k == "type") continue;
    if (k == "description") {
      if (!v.is_string() || v.get_string().size() > 1024) return Bad(tool, field, "description must be a string up to 1024 bytes");
    } else if (k == "enum") {
      if (!v.is_array() || v.get_array().empty() || v.get_array().size() > 100)
        return Bad(tool, field, "enum must be a non-empty array (at most 100 values)");
      for (const json::value& e : v.get_array()) {
        auto c = Coerce(p, e);
        if (!c.ok() || *c != e) return Bad(tool, field, "enum value " + json::serialize(e) + " does not have the parameter's type");
        p.enum_values.push_back(e);
      }
    } else if (k == "pattern") {
      if (p.type != ParamType::kString || !v.is_string()) return Bad(tool, field, "pattern must be a string on a string parameter");
      try {
        p.pattern = std::make_shared<const std::regex>(std::string(v.get_string()), std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        return Bad(tool, field, std::string("invalid pattern: ") + e.what());
      }
    } else if (k == "maxLength") {
      if (p.type != ParamType::kString || !v.is_int64() || v.get_int64() < 1 || v.get_int64() > 4096)
        return Bad(tool, field, "maxLength must be 1-4096 on a string parameter");
      p.max_length = static_cast<size_t>(v.get_int64());
    } else if (k == "minimum" || k == "maximum") {
      if ((p.type != ParamType::kInteger && p.type != ParamType::kNumber) || !v.is_number())
        return Bad(tool, field, std::string(k) + " must be a number on a numeric parameter");
      (k == "minimum" ? p.minimum : p.maximum) = v.to_number<double>();
    } else {
      return Bad(tool, field, "unsupported schema keyword '" + std::string(k) + "'");
    }
  }
  return p;
}

Status ParseParameters(ToolDefinition* t, const json::value* pv) {
  if (!pv) return Status::Ok();
  const json::object* po = pv->if_object();
  if (!po) return Bad(t->name, "parameters", "must be a JSON Schema object");
  if (const json::value* type = po->if_contains("type"); type && (!type->is_string() || type->get_string() != "object"))
    return Bad(t->name, "parameters", "type must be \"object\"");
  for (const auto& kv : *po) {
    std::string_view k = kv.key();
    if (k != "type" && k != "properties" && k != "required" && k != "additionalProperties")
      return Bad(t->name, "parameters", "unsupported keyword '" + std::string(k) + "'");
  }
  if (const json::value* props = po->if_contains("properties")) {
    if (!props->is_object()) return Bad(t->name, "parameters.properties", "must be an object");
    if (props->get_object().size() > 32) return Bad(t->name, "parameters.properties", "at most 32 parameters");
    for (const auto& kv : props->get_object()) {
      LINGXI_ASSIGN_OR_RETURN(ToolParameter p, ParseParameter(t->name, std::string(kv.key()), kv.value()));
      t->parameters.push_back(std::move(p));
    }
  }
  if (const json::value* req = po->if_contains("required")) {
    if (!req->is_array()) return Bad(t->name, "parameters.required", "must be an array of names");
    for (const json::value& r : req->get_array()) {
      if (!r.is_string()) return Bad(t->name, "parameters.required", "must be an array of names");
      auto it = std::find_if(t->parameters.begin(), t->parameters.end(), [&](const ToolParameter& p) { return p.name == r.get_string(); });
      if (it == t->parameters.end()) return Bad(t->name, "parameters.required", "'" + std::string(r.get_string()) + "' is not a property");
      it->required = true;
    }
  }
  return Status::Ok();
}

// Checks the URL template and its host. `url` has load-time variables substituted.
Status CheckUrlTemplate(const ToolDefinition& t, const HostAllowlist& allowlist) {
  const std::string& url = t.url_template;
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return Bad(t.name, "url", "must be an absolute http(s) URL");
  size_t path_start = url.find_first_of("/?", scheme_end + 3);
  std::string_view authority = std::string_view(url).substr(scheme_end + 3, path_start == std::string::npos ? std::string::npos : path_start - scheme_end - 3);
  if (authority.find('{') != std::string_view::npos || url.substr(0, scheme_end).find('{') != std::string::npos)
    return Bad(t.name, "url", "placeholders may appear only in the path and query");
  if (url.find('#') != std::string::npos) return Bad(t.name, "url", "must not have a fragment");
  std::string sample;
  size_t last = 0;
  Status inner;
  bool ok = ForEachPlaceholder(url, [&](std::string_view name, size_t b, size_t e) {
    if (!t.FindParameter(name)) {
      inner = Bad(t.name, "url", "placeholder {" + std::string(name) + "} is not a parameter");
      return false;
    }
    sample.append(url, last, b - last);
    sample += "x";
    last = e;
    return true;
  });
  if (!inner.ok()) return inner;
  if (!ok) return Bad(t.name, "url", "malformed {placeholder}");
  sample.append(url, last);
  auto parsed = boost::urls::parse_absolute_uri(sample);
  if (!parsed) return Bad(t.name, "url", "is not a valid URL");
  std::string scheme(parsed->scheme());
  if (scheme != "http" && scheme != "https") return Bad(t.name, "url", "scheme must be http or https");
  if (parsed->has_userinfo()) return Bad(t.name, "url", "must not contain user info");
  std::string host(parsed->host_address());
  if (host.empty()) return Bad(t.name, "url", "needs a host");
  int default_port = scheme == "https" ? 443 : 80;
  int port = parsed->has_port() ? static_cast<int>(parsed->port_number()) : default_port;
  if (!allowlist.Match(host, port, default_port))
    return PermissionDenied("tool " + t.name + ": url: host " + host + ":" + std::to_string(port) +
                            " is not in the account's allowlist");
  return Status::Ok();
}

Status CheckSecrets(const ToolDefinition& t, std::string_view field, std::string_view value, const Secrets* secrets) {
  size_t i = 0;
  while ((i = value.find("${", i)) != std::string_view::npos) {
    size_t close = value.find('}', i);
    if (close == std::string_view::npos) return Bad(t.name, field, "unterminated ${...}");
    std::string_view ref = value.substr(i + 2, close - i - 2);
    if (ref.substr(0, 7) != "secret:") return Bad(t.name, field, "only ${secret:NAME} references are allowed");
    std::string name(ref.substr(7));
    if (!ValidName(name, 64)) return Bad(t.name, field, "bad secret name");
    if (!secrets || !secrets->count(name)) return Bad(t.name, field, "unknown secret '" + name + "'");
    i = close + 1;
  }
  return Status::Ok();
}

Status CheckBodyTemplate(const ToolDefinition& t, const json::value& v, int depth) {
  if (depth > 8) return Bad(t.name, "body", "nested too deeply");
  if (const json::string* s = v.if_string()) {
    Status inner;
    bool ok = ForEachPlaceholder(*s, [&](std::string_view name, size_t, size_t) {
      if (!t.FindParameter(name)) inner = Bad(t.name, "body", "placeholder {" + std::string(name) + "} is not a parameter");
      return inner.ok();
    });
    if (!inner.ok()) return inner;
    if (!ok) return Bad(t.name, "body", "malformed {placeholder} in \"" + std::string(*s) + "\"");
  } else if (const json::object* o = v.if_object()) {
    for (const auto& kv : *o) LINGXI_RETURN_IF_ERROR(CheckBodyTemplate(t, kv.value(), depth + 1));
  } else if (const json::array* a = v.if_array()) {
    for (const json::value& e : *a) LINGXI_RETURN_IF_ERROR(CheckBodyTemplate(t, e, depth + 1));
  }
  return Status::Ok();
}

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

const ToolParameter* ToolDefinition::FindParameter(std::string_view n) const {
  for (const ToolParameter& p : parameters)
    if (p.name == n) return &p;
  return nullptr;
}

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

Result<ToolDefinition> ParseToolDefinition(const json::value& v, const ToolLoadOptions& options) {
  const json::object* o = v.if_object();
  if (!o) return InvalidArgument("tool definition must be a JSON object");
  ToolDefinition t;
  const json::value* name = o->if_contains("name");
  if (!name || !name->is_string() || !ValidName(name->get_string(), 64))
    return Bad(name && name->is_string() ? std::string_view(name->get_string()) : "?", "name",
               "required, [A-Za-z0-9_-]{1,64}");
  t.name = std::string(name->get_string());
  static const char* kKnown[] = {"name", "description", "parameters", "method", "url", "headers", "body",
                                 "response_fields", "timeout_ms", "max_response_bytes", "customer_param"};
  for (const auto& kv : *o)
    if (std::find(std::begin(kKnown), std::end(kKnown), kv.key()) == std::end(kKnown))
      return Bad(t.name, kv.key(), "unknown field");

  if (const json::value* d = o->if_contains("description")) {
    if (d->is_string()) {
      t.description = std::string(d->get_string());
    } else if (d->is_object()) {
      for (const char* lang : {"en", "zh"})
        if (const json::value* s = d->get_object().if_contains(lang); s && s->is_string())
          t.description += (t.description.empty() ? "" : " / ") + std::string(s->get_string());
    } else {
      return Bad(t.name, "description", "must be a string or {\"zh\",\"en\"}");
    }
    if (t.description.size() > 2048) return Bad(t.name, "description", "longer than 2048 bytes");
  }
  LINGXI_RETURN_IF_ERROR(ParseParameters(&t, o->if_contains("parameters")));

  if (const json::value* m = o->if_contains("method")) {
    if (!m->is_string()) return Bad(t.name, "method", "must be a string");
    t.method = std::string(m->get_string());
  }
  if (t.method != "GET" && t.method != "POST" && t.method != "PUT" && t.method != "PATCH" && t.method != "DELETE")
    return Bad(t.name, "method", "must be GET, POST, PUT, PATCH or DELETE");

  const json::value* url = o->if_contains("url");
  if (!url || !url->is_string()) return Bad(t.name, "url", "required string");
  LINGXI_ASSIGN_OR_RETURN(t.url_template, SubstituteVariables(t.name, url->get_string(), options.variables));
  if (!options.allowlist) return Bad(t.name, "url", "no allowlist configured");
  LINGXI_RETURN_IF_ERROR(CheckUrlTemplate(t, *options.allowlist));

  if (const json::value* h = o->if_contains("headers")) {
    if (!h->is_object()) return Bad(t.name, "headers", "must be an object of strings");
    for (const auto& kv : h->get_object()) {
      std::string hn(kv.key());
      std::string field = "headers." + hn;
      if (!ValidName(hn, 64)) return Bad(t.name, field, "bad header name");
      std::string lower = hn;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "host" || lower == "content-length" || lower == "transfer-encoding" || lower == "connection")
        return Bad(t.name, field, "this header is set by the client");
      if (!kv.value().is_string()) return Bad(t.name, field, "must be a string");
      std::string_view hv = kv.value().get_string();
      if (HasControl(hv) || hv.size() > 4096) return Bad(t.name, field, "control characters or too long");
      LINGXI_RETURN_IF_ERROR(CheckSecrets(t, field, hv, options.secrets));
      t.headers.emplace_back(hn, std::string(hv));
    }
  }
  if (const json::value* b = o->if_contains("body")) {
    if (t.method == "GET" || t.method == "DELETE") return Bad(t.name, "body", "only POST, PUT and PATCH have a body");
    LINGXI_RETURN_IF_ERROR(CheckBodyTemplate(t, *b, 0));
    t.body_template = *b;
  }
  if (const json::value* rf = o->if_contains("response_fields")) {
    if (!rf->is_array() || rf->get_array().size() > 64) return Bad(t.name, "response_fields", "must be an array of at most 64 paths");
    for (const json::value& p : rf->get_array()) {
      if (!p.is_string()) return Bad(t.name, "response_fields", "must be an array of path strings");
      auto path = ParseJsonPath(p.get_string());
      if (!path.ok()) return Bad(t.name, "response_fields", path.status().message());
      t.response_fields.emplace_back(std::string(p.get_string()), std::move(*path));
    }
  }
  if (const json::value* to = o->if_contains("timeout_ms")) {
    if (!to->is_int64() || to->get_int64() < 100 || to->get_int64() > 30000) return Bad(t.name, "timeout_ms", "must be 100-30000");
    t.timeout = std::chrono::milliseconds(to->get_int64());
  }
  if (const json::value* mb = o->if_contains("max_response_bytes")) {
    if (!mb->is_int64() || mb->get_int64() < 1024 || mb->get_int64() > (1 << 20))
      return Bad(t.name, "max_response_bytes", "must be 1024-1048576");
    t.max_response_bytes = static_cast<size_t>(mb->get_int64());
  }
  if (const json::value* cp = o->if_contains("customer_param")) {
    if (!cp->is_string()) return Bad(t.name, "customer_param", "must be a parameter name");
    const ToolParameter* p = t.FindParameter(cp->get_string());
    if (!p || p->type != ParamType::kString) return Bad(t.name, "customer_param", "must name a string parameter");
    t.customer_param = std::string(cp->get_string());
  }
  return t;
}

json::object ModelSchema(const ToolDefinition& t) {
  json::object props;
  json::array required;
  for (const ToolParameter& p : t.parameters) {
    if (p.name == t.customer_param) continue;
    props[p.name] = p.schema;
    if (p.required) required.push_back(json::value(p.name));
  }
  json::object params{{"type", "object"}, {"properties", std::move(props)}, {"additionalProperties", false}};
  if (!required.empty()) params["required"] = std::move(required);
  return json::object{{"name", t.name}, {"description", t.description}, {"parameters", std::move(params)}};
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
  json::value doc = json::parse(body, ec);
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
