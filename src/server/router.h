// Router: maps (method, path pattern) to handlers. Patterns are literal segments and
// `{name}` captures, e.g. "/api/v1/conversations/{id}/messages". Built at start-up, then
// read-only (thread-safe for concurrent Match()).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "server/http_types.h"
#include "server/websocket.h"

namespace lingxi::server {

using HttpHandler = std::function<boost::asio::awaitable<HttpResponse>(HttpRequest)>;

// Decides whether to accept a WebSocket upgrade: a binding, or an error response.
using WsUpgradeResult = std::variant<WsBinding, HttpResponse>;
using WsHandler = std::function<boost::asio::awaitable<WsUpgradeResult>(HttpRequest)>;

class Router {
 public:
  // `name` labels the route in logs/metrics. REQUIRES: not called after serving starts.
  void Add(std::string method, std::string pattern, HttpHandler handler);
  void AddWebSocket(std::string pattern, WsHandler handler);
  // Fallback for GET/HEAD paths that match no route (static files).
  void SetFallback(HttpHandler handler) { fallback_ = std::move(handler); }

  struct Match {
    const HttpHandler* http = nullptr;
    const WsHandler* ws = nullptr;
    bool path_matched = false;  // some route has this path (for 405)
    std::string pattern;
  };
  // Fills req->params on success.
  Match Find(const std::string& method, HttpRequest* req, bool websocket) const;
  const HttpHandler* fallback() const { return fallback_ ? &fallback_ : nullptr; }

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    HttpHandler http;
    WsHandler ws;
  };
  static std::vector<std::string> Split(const std::string& path);
  static bool MatchSegments(const Route& r, const std::vector<std::string>& segs,
                            std::map<std::string, std::string>* params);
  std::vector<Route> routes_;
  HttpHandler fallback_;
};

}  // namespace lingxi::server
