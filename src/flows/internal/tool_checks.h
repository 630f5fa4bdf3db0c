// Checks shared by tool definitions (tool.cc) and tool calls (tool_call.cc). Internal to flows/.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <string_view>

#include "core/status.h"
#include "flows/tool.h"

namespace lingxi::flows::internal {

namespace json = boost::json;

inline Status Bad(std::string_view tool, std::string_view field, std::string_view why) {
  return InvalidArgument("tool " + std::string(tool.empty() ? "?" : tool) + ": " + std::string(field) + ": " +
                         std::string(why));
}

inline bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}
inline bool ValidName(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s)
    if (!IsNameChar(c)) return false;
  return true;
}
inline bool HasControl(std::string_view s) {
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


// Coerces `v` to the parameter's type. InvalidArgument (message without prefix) if impossible.
Result<json::value> Coerce(const ToolParameter& p, const json::value& v);

// Checks a coerced value against the parameter's schema (UTF-8, control characters, length,
// pattern, range, enum). InvalidArgument (message without prefix).
Status CheckValue(const ToolParameter& p, const json::value& v);

}  // namespace lingxi::flows::internal
