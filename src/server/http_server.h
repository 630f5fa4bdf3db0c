// HttpServer: accepts TCP connections and serves HTTP/1.1 and WebSocket with Boost.Beast
// and C++20 coroutines. Each connection runs on its own strand. Requests are routed via
// Router; handlers run as coroutines on the connection's strand and must push blocking work
// to a pool (see blocking.h).
//
// Limits: header size, body size (413), idle/slow-client timeouts, WebSocket message size,
// per-connection send-queue size. Shutdown: Stop() closes the acceptor, lets in-flight
// requests finish, closes idle keep-alive connections and all WebSockets.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <memory>
#include <string>

#include "core/status.h"
#include "server/router.h"

namespace lingxi::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 = pick a free port (tests)
  size_t body_limit = 64 * 1024;
  size_t header_limit = 16 * 1024;
  size_t ws_max_message = 64 * 1024;
  size_t ws_max_queue = 256;  // queued outgoing frames before a slow client is dropped
  int idle_timeout_seconds = 60;
  int ws_idle_timeout_seconds = 300;
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& ioc, ServerOptions options, const Router* router);
  ~HttpServer();
  // Binds and starts accepting. Errors: Unavailable if the address cannot be bound.
  Status Start();
  // The bound port (after Start).
  uint16_t port() const { return port_; }
  // Stops accepting and winds down connections. Thread-safe; idempotent.
  void Stop();
  size_t active_connections() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

// Standard JSON error body: {"error":{"code":..,"message":..}}.
std::string ErrorBody(std::string_view code, std::string_view message);

}  // namespace lingxi::server
