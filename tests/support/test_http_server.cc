#include "support/test_http_server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>
#include <thread>

namespace lingxi::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {
bool IEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string StatusLine(int status) {
  auto reason = http::obsolete_reason(static_cast<http::status>(status));
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason.data(), reason.size()) + "\r\n";
}

std::string ChunkFrame(const std::string& bytes) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
  return std::string(size) + bytes + "\r\n";
}
}  // namespace

std::string ReceivedRequest::Header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (IEquals(k, name)) return v;
  }
  return "";
}

struct TestHttpServer::State {
  Handler handler;
  Options options;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::vector<std::thread> threads;
  std::atomic<size_t> accepted{0};
  std::atomic<size_t> open{0};
};

namespace {

asio::awaitable<bool> WriteAll(tcp::socket& socket, std::string data) {
  auto [ec, n] = co_await asio::async_write(socket, asio::buffer(data), asio::as_tuple(asio::use_awaitable));
  co_return !ec;
}

// Delays are scheduled against the reply's start (`due` accumulates them), not after the previous
// write, so a reply's timing does not drift by the time spent writing (e.g. keep-alive comments).
asio::awaitable<bool> Wait(asio::steady_timer& timer, std::chrono::steady_clock::time_point& due,
                           std::chrono::milliseconds d) {
  due += d;
  timer.expires_at(due);
  auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return !ec;
}

// Plays one reply; returns whether the connection may be reused.
asio::awaitable<bool> SendReply(tcp::socket& socket, Reply reply, bool keep_alive) {
  asio::steady_timer timer(socket.get_executor());
  auto due = std::chrono::steady_clock::now();
  if (reply.delay_before.count() > 0 && !co_await Wait(timer, due, reply.delay_before)) co_return false;
  std::string head = StatusLine(reply.status);
  for (const auto& [k, v] : reply.headers) head += k + ": " + v + "\r\n";
  if (!keep_alive) head += "Connection: close\r\n";
  if (reply.steps.empty()) {
    head += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n\r\n";
    head += reply.body;
    co_return co_await WriteAll(socket, std::move(head)) && keep_alive;
  }
  head += "Transfer-Encoding: chunked\r\n\r\n";
  if (!co_await WriteAll(socket, std::move(head))) co_return false;
  for (auto& step : reply.steps) {
    switch (step.kind) {
      case ReplyStep::Kind::kChunk:
        if (step.bytes.empty()) break;  // an empty chunk would end the body
        if (auto pos = step.bytes.find(kSendTimeMarker); pos != std::string::npos) {
          auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now().time_since_epoch()).count();
          step.bytes.replace(pos, std::string_view(kSendTimeMarker).size(), std::to_string(us));
        }
        if (!co_await WriteAll(socket, ChunkFrame(step.bytes))) co_return false;
        break;
      case ReplyStep::Kind::kDelay:
        if (!co_await Wait(timer, due, step.delay)) co_return false;
        break;
      case ReplyStep::Kind::kClose:
        co_return false;
      case ReplyStep::Kind::kTrickleForever:
        for (;;) {
          if (!co_await WriteAll(socket, ChunkFrame(step.bytes))) co_return false;
          if (!co_await Wait(timer, due, step.delay)) co_return false;
        }
    }
  }
  co_return co_await WriteAll(socket, "0\r\n\r\n") && keep_alive;
}

asio::awaitable<void> Session(tcp::socket socket, TestHttpServer::State* state) {
  state->open.fetch_add(1);
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(state->options.max_body_bytes);
    auto [ec, n] = co_await http::async_read(socket, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    auto req = parser.release();
    ReceivedRequest received;
    received.method = std::string(req.method_string());
    received.target = std::string(req.target());
    for (const auto& field : req) {
      received.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    received.body = std::move(req.body());
    Reply reply = state->handler(received);
    bool keep = co_await SendReply(socket, std::move(reply), req.keep_alive());
    if (!keep) break;
  }
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  state->open.fetch_sub(1);
}

asio::awaitable<void> Accept(TestHttpServer::State* state) {
  for (;;) {
    auto [ec, socket] = co_await state->acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !state->acceptor.is_open()) co_return;
      continue;  // e.g. EMFILE: keep serving the connections we have
    }
    state->accepted.fetch_add(1);
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(state->io, Session(std::move(socket), state), asio::detached);
  }
}
}  // namespace

TestHttpServer::TestHttpServer(Handler handler, Options options) : state_(std::make_unique<State>()) {
  state_->handler = std::move(handler);
  state_->options = options;
  tcp::endpoint endpoint(asio::ip::make_address(options.address), options.port);
  state_->acceptor.open(endpoint.protocol());
  state_->acceptor.set_option(asio::socket_base::reuse_address(true));
  beast::error_code ec;
  state_->acceptor.bind(endpoint, ec);
  if (ec) throw std::runtime_error("TestHttpServer: bind " + options.address + ": " + ec.message());
  state_->acceptor.listen(asio::socket_base::max_listen_connections);
  asio::co_spawn(state_->io, Accept(state_.get()), asio::detached);
  for (int i = 0; i < std::max(1, options.threads); ++i) {
    state_->threads.emplace_back([s = state_.get()] { s->io.run(); });
  }
}

TestHttpServer::~TestHttpServer() {
  State* s = state_.get();
  asio::post(s->io, [s] {
    beast::error_code ec;
    s->acceptor.close(ec);
  });
  s->io.stop();
  for (auto& t : s->threads) t.join();
  // Destroying the io_context destroys the suspended session coroutines, closing their sockets.
  state_.reset();
}

uint16_t TestHttpServer::port() const { return state_->acceptor.local_endpoint().port(); }
std::string TestHttpServer::Url(const std::string& path) const {
  return "http://" + state_->options.address + ":" + std::to_string(port()) + path;
}
size_t TestHttpServer::connections_accepted() const { return state_->accepted.load(); }
size_t TestHttpServer::open_connections() const { return state_->open.load(); }

}  // namespace lingxi::testing
