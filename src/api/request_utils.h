// Parsing and validating untrusted request input: JSON bodies, fields, ids, bearer tokens.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/status.h"
#include "server/http_types.h"

namespace lingxi::api {

// Parses the body as a JSON object. On failure returns the ready error response
// (400 invalid_json for malformed JSON / invalid UTF-8, 422 when it is not an object).
std::variant<boost::json::object, server::HttpResponse> ParseJsonObject(const server::HttpRequest& req);

// Field accessors: InvalidArgument naming the field for a wrong type or a missing required field.
Result<std::optional<std::string>> OptString(const boost::json::object& o, std::string_view key, size_t max_bytes);
Result<std::string> ReqString(const boost::json::object& o, std::string_view key, size_t max_bytes);
Result<std::optional<std::vector<std::string>>> OptStringArray(const boost::json::object& o, std::string_view key,
                                                               size_t max_items, size_t max_bytes_each);
Result<std::optional<int64_t>> OptInt(const boost::json::object& o, std::string_view key);

// Positive integer from a path/query string. InvalidArgument otherwise.
Result<int64_t> ParseId(const std::string& text, std::string_view what);
// "Authorization: Bearer X" or, for WebSockets, ?token=X. Empty if absent.
std::string BearerToken(const server::HttpRequest& req);

server::HttpResponse JsonResponse(int status, const boost::json::value& v);

}  // namespace lingxi::api
