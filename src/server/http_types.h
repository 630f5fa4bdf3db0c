// Transport-neutral HTTP request/response values handed between server/ and api/.
// Plain values; no Beast types leak out of server/.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lingxi::server {

struct HttpRequest {
  std::string method;   // "GET", "POST", ...
  std::string path;     // decoded path without query, e.g. "/api/v1/conversations/3"
  std::map<std::string, std::string> query;   // decoded query parameters (last one wins)
  std::map<std::string, std::string> params;  // path parameters captured by the router, e.g. {"id": "3"}
  std::map<std::string, std::string> headers; // lower-cased names
  std::string body;
  std::string remote_address;

  const std::string* Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? nullptr : &it->second;
  }
  const std::string* Query(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? nullptr : &it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool close = false;  // close the connection after writing

  static HttpResponse Json(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
};

}  // namespace lingxi::server
