#include "flows/tool.h"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "core/utf8.h"
#include "flows/internal/pattern.h"
#include "flows/internal/tool_checks.h"

namespace lingxi::flows {

namespace json = boost::json;
using internal::Bad;
using internal::Coerce;
using internal::ForEachPlaceholder;
using internal::HasControl;
using internal::ValidName;

namespace {

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
      auto compiled = internal::CompilePattern(v.get_string(), false);
      if (!compiled.ok()) return Bad(tool, field, compiled.status().message());
      p.pattern = std::move(*compiled);
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

}  // namespace

const ToolParameter* ToolDefinition::FindParameter(std::string_view n) const {
  for (const ToolParameter& p : parameters)
    if (p.name == n) return &p;
  return nullptr;
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

}  // namespace lingxi::flows
