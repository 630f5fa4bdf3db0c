#include "server/router.h"

namespace lingxi::server {

std::vector<std::string> Router::Split(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

void Router::Add(std::string method, std::string pattern, HttpHandler handler) {
  Route r{std::move(method), pattern, Split(pattern), std::move(handler), nullptr};
  routes_.push_back(std::move(r));
}

void Router::AddWebSocket(std::string pattern, WsHandler handler) {
  Route r{"GET", pattern, Split(pattern), nullptr, std::move(handler)};
  routes_.push_back(std::move(r));
}

bool Router::MatchSegments(const Route& r, const std::vector<std::string>& segs,
                           std::map<std::string, std::string>* params) {
  if (r.segments.size() != segs.size()) return false;
  std::map<std::string, std::string> captured;
  for (size_t i = 0; i < segs.size(); ++i) {
    const std::string& p = r.segments[i];
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
      captured[p.substr(1, p.size() - 2)] = segs[i];
    } else if (p != segs[i]) {
      return false;
    }
  }
  if (params) *params = std::move(captured);
  return true;
}

Router::Match Router::Find(const std::string& method, HttpRequest* req, bool websocket) const {
  Match m;
  auto segs = Split(req->path);
  for (const auto& r : routes_) {
    std::map<std::string, std::string> params;
    if (!MatchSegments(r, segs, &params)) continue;
    m.path_matched = true;
    bool method_ok = r.method == method || (method == "HEAD" && r.method == "GET");
    if (!method_ok) continue;
    if (websocket != static_cast<bool>(r.ws)) continue;
    req->params = std::move(params);
    m.pattern = r.pattern;
    if (r.ws) m.ws = &r.ws;
    else m.http = &r.http;
    return m;
  }
  return m;
}

}  // namespace lingxi::server
