#include "api/request_utils.h"

#include <charconv>

#include "core/json.h"
#include "api/http_status.h"
#include "core/utf8.h"

namespace lingxi::api {

namespace json = boost::json;

std::variant<json::object, server::HttpResponse> ParseJsonObject(const server::HttpRequest& req) {
  if (req.body.empty()) return ErrorResponse(400, "invalid_json", "request body must be a JSON object");
  boost::system::error_code ec;
  json::parse_options opt;
  opt.max_depth = 16;
  json::value v = ParseJson(req.body, ec, opt);
  if (ec) return ErrorResponse(400, "invalid_json", "malformed JSON: " + ec.message());
  if (!v.is_object()) return ErrorResponse(422, "invalid_argument", "request body must be a JSON object");
  return std::move(v.as_object());
}

Result<std::optional<std::string>> OptString(const json::object& o, std::string_view key, size_t max_bytes) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return InvalidArgument(std::string(key) + " must be a string");
  std::string s(v->as_string());
  if (s.size() > max_bytes) return InvalidArgument(std::string(key) + " is too long");
  if (!IsValidUtf8(s)) return InvalidArgument(std::string(key) + " is not valid UTF-8");
  return std::optional<std::string>(std::move(s));
}

Result<std::string> ReqString(const json::object& o, std::string_view key, size_t max_bytes) {
  LINGXI_ASSIGN_OR_RETURN(auto s, OptString(o, key, max_bytes));
  if (!s) return InvalidArgument(std::string(key) + " is required");
  return std::move(*s);
}

Result<std::optional<std::vector<std::string>>> OptStringArray(const json::object& o, std::string_view key,
                                                               size_t max_items, size_t max_bytes_each) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::optional<std::vector<std::string>>();
  if (!v->is_array()) return InvalidArgument(std::string(key) + " must be an array of strings");
  const auto& a = v->as_array();
  if (a.size() > max_items) return InvalidArgument(std::string(key) + " has too many items");
  std::vector<std::string> out;
  for (const auto& e : a) {
    if (!e.is_string()) return InvalidArgument(std::string(key) + " must be an array of strings");
    std::string s(e.as_string());
    if (s.size() > max_bytes_each) return InvalidArgument(std::string(key) + " item is too long");
    out.push_back(std::move(s));
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<std::optional<int64_t>> OptInt(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::optional<int64_t>();
  if (v->is_int64()) return std::optional<int64_t>(v->as_int64());
  if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX))
    return std::optional<int64_t>(static_cast<int64_t>(v->as_uint64()));
  return InvalidArgument(std::string(key) + " must be an integer");
}

Result<int64_t> ParseId(const std::string& text, std::string_view what) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v <= 0)
    return InvalidArgument(std::string(what) + " must be a positive integer");
  return v;
}

std::string BearerToken(const server::HttpRequest& req) {
  if (const auto* h = req.Header("authorization")) {
    constexpr std::string_view kPrefix = "Bearer ";
    if (h->size() > kPrefix.size() && std::string_view(*h).substr(0, kPrefix.size()) == kPrefix)
      return h->substr(kPrefix.size());
    return "";
  }
  if (const auto* t = req.Query("token")) return *t;
  return "";
}

server::HttpResponse JsonResponse(int status, const json::value& v) {
  return server::HttpResponse::Json(status, json::serialize(v));
}

}  // namespace lingxi::api
