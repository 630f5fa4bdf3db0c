#include "flows/internal/tool_checks.h"

#include <charconv>
#include <cmath>

#include "core/utf8.h"
#include "flows/json_path.h"

namespace lingxi::flows::internal {

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

}  // namespace lingxi::flows::internal
