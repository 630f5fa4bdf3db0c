#include "flows/json_path.h"

#include <boost/json.hpp>

#include <charconv>

namespace lingxi::flows {

namespace json = boost::json;

namespace {
bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}
}  // namespace

Result<JsonPath> ParseJsonPath(std::string_view path) {
  JsonPath out;
  size_t i = 0;
  auto bad = [&](std::string_view why) {
    return InvalidArgument("invalid path '" + std::string(path) + "': " + std::string(why));
  };
  if (path.empty()) return bad("empty");
  while (i < path.size()) {
    if (!out.empty()) {
      if (path[i] == '.') {
        ++i;
      } else if (path[i] != '[') {
        return bad("expected '.' or '['");
      }
    }
    if (i < path.size() && path[i] == '[') {
      size_t close = path.find(']', i);
      if (close == std::string_view::npos) return bad("missing ']'");
      std::string_view num = path.substr(i + 1, close - i - 1);
      int64_t index = 0;
      auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), index);
      if (num.empty() || ec != std::errc() || p != num.data() + num.size()) return bad("bad array index");
      PathStep s;
      s.is_index = true;
      s.index = index;
      out.push_back(std::move(s));
      i = close + 1;
    } else {
      size_t start = i;
      while (i < path.size() && IsKeyChar(path[i])) ++i;
      if (i == start) return bad("empty key");
      PathStep s;
      s.key = std::string(path.substr(start, i - start));
      out.push_back(std::move(s));
    }
    if (out.size() > 16) return bad("more than 16 steps");
  }
  return out;
}

const json::value* LookupJsonPath(const json::value& root, const JsonPath& path) {
  const json::value* v = &root;
  for (const PathStep& s : path) {
    if (s.is_index) {
      const json::array* a = v->if_array();
      if (!a) return nullptr;
      int64_t n = static_cast<int64_t>(a->size());
      int64_t idx = s.index < 0 ? n + s.index : s.index;
      if (idx < 0 || idx >= n) return nullptr;
      v = &(*a)[static_cast<size_t>(idx)];
    } else {
      const json::object* o = v->if_object();
      if (!o) return nullptr;
      auto it = o->find(s.key);
      if (it == o->end()) return nullptr;
      v = &it->value();
    }
  }
  return v;
}

std::string JsonToText(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return std::string(v.get_string());
    case json::kind::null: return "";
    case json::kind::bool_: return v.get_bool() ? "true" : "false";
    case json::kind::int64: return std::to_string(v.get_int64());
    case json::kind::uint64: return std::to_string(v.get_uint64());
    case json::kind::double_: {
      double d = v.get_double();
      char buf[64];
      auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d);
      return ec == std::errc() ? std::string(buf, p) : std::string();
    }
    default: return json::serialize(v);
  }
}

}  // namespace lingxi::flows
