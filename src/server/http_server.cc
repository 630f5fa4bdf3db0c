#include "server/http_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <boost/url.hpp>

#include <deque>
#include <mutex>
#include <unordered_set>

#include "core/clock.h"
#include "core/log.h"
#include "core/metrics.h"

namespace lingxi::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using asio::use_awaitable;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

std::string ErrorBody(std::string_view code, std::string_view message) {
  boost::json::object e;
  e["code"] = code;
  e["message"] = message;
  boost::json::object o;
  o["error"] = std::move(e);
  return boost::json::serialize(o);
}

namespace {

struct ServerMetrics {
  Counter* req_2xx;
  Counter* req_3xx;
  Counter* req_4xx;
  Counter* req_5xx;
  Histogram* latency;
  Gauge* ws_connections;
  Gauge* http_connections;
  static ServerMetrics& Get() {
    static ServerMetrics m = [] {
      auto& r = MetricsRegistry::Global();
      const std::string n = "lingxi_http_requests_total", h = "HTTP requests served, by status class";
      return ServerMetrics{r.GetCounter(n, h, "code=\"2xx\""), r.GetCounter(n, h, "code=\"3xx\""),
                           r.GetCounter(n, h, "code=\"4xx\""), r.GetCounter(n, h, "code=\"5xx\""),
                           r.GetHistogram("lingxi_http_request_duration_seconds", "HTTP request latency"),
                           r.GetGauge("lingxi_websocket_connections", "Open WebSocket connections"),
                           r.GetGauge("lingxi_http_connections", "Open HTTP connections")};
    }();
    return m;
  }
  void Count(int status) {
    if (status < 300) req_2xx->Inc();
    else if (status < 400) req_3xx->Inc();
    else if (status < 500) req_4xx->Inc();
    else req_5xx->Inc();
  }
};

// Something Stop() can wake: an idle keep-alive HTTP connection or a WebSocket.
class Closable {
 public:
  virtual ~Closable() = default;
  virtual void ShutdownFromAnyThread() = 0;
};

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  asio::io_context& ioc;
  ServerOptions options;
  const Router* router;
  tcp::acceptor acceptor;
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::unordered_set<std::shared_ptr<Closable>> live;

  Impl(asio::io_context& c, ServerOptions o, const Router* r)
      : ioc(c), options(std::move(o)), router(r), acceptor(asio::make_strand(c)) {}

  void Track(const std::shared_ptr<Closable>& c) {
    std::lock_guard lock(mu);
    live.insert(c);
  }
  void Untrack(const std::shared_ptr<Closable>& c) {
    std::lock_guard lock(mu);
    live.erase(c);
  }
};

namespace {

using ImplPtr = std::shared_ptr<HttpServer::Impl>;

bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      auto hex = [](char h) -> int {
        if (h >= '0' && h <= '9') return h - '0';
        if (h >= 'a' && h <= 'f') return h - 'a' + 10;
        if (h >= 'A' && h <= 'F') return h - 'A' + 10;
        return -1;
      };
      int hi = hex(in[i + 1]), lo = hex(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return false;
    } else {
      out->push_back(c);
    }
  }
  return true;
}

bool LenientTarget(std::string_view target, HttpRequest* out) {
  size_t q = target.find('?');
  if (!PercentDecode(target.substr(0, q), false, &out->path)) return false;
  if (q == std::string_view::npos) return true;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    std::string k, v;
    if (!PercentDecode(pair.substr(0, eq), true, &k)) return false;
    if (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), true, &v)) return false;
    if (!k.empty()) out->query[k] = v;
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return true;
}

HttpRequest ToRequest(const http::request<http::string_body>& req, const std::string& remote) {
  HttpRequest out;
  out.method = std::string(req.method_string());
  std::string target(req.target());
  auto parsed = boost::urls::parse_origin_form(target);
  if (parsed) {
    out.path = parsed->path();
    for (auto p : parsed->params()) out.query[p.key] = p.value;
  } else if (!target.empty() && target[0] == '/' && LenientTarget(target, &out)) {
    // Some clients (curl, scripts) send raw UTF-8 in the target; accept it if it decodes.
  } else {
    out.path = "\x01invalid";
  }
  for (const auto& f : req) {
    std::string name(f.name_string());
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.headers[name] = std::string(f.value());
  }
  out.body = req.body();
  out.remote_address = remote;
  return out;
}

http::response<http::string_body> ToBeast(const HttpResponse& r, unsigned version, bool keep_alive, bool head) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "lingxi");
  res.set(http::field::content_type, r.content_type);
  for (const auto& [k, v] : r.headers) {
    if (k == "Set-Cookie") {
      res.insert(k, v);  // may repeat
    } else {
      res.set(k, v);
    }
  }
  if (!head) res.body() = r.body;
  res.keep_alive(keep_alive && !r.close);
  res.prepare_payload();
  if (head) res.content_length(r.body.size());
  return res;
}

// ---- WebSocket session -------------------------------------------------------------

class WsSession : public WsConnection, public Closable, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(beast::tcp_stream stream, ImplPtr server, WsBinding binding)
      : ws_(std::move(stream)), server_(std::move(server)), binding_(std::move(binding)) {}

  void Send(std::shared_ptr<const std::string> text) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      if (self->closed_) return;
      if (self->queue_.size() >= self->server_->options.ws_max_queue) {
        LOG_WARN("websocket client too slow ({} frames queued); disconnecting", self->queue_.size());
        self->DoClose(websocket::close_code::policy_error);
        return;
      }
      self->queue_.push_back(std::move(text));
      if (!self->writing_) self->WriteNext();
    });
  }

  void Close() override {
    asio::post(ws_.get_executor(), [self = shared_from_this()] { self->DoClose(websocket::close_code::normal); });
  }
  void ShutdownFromAnyThread() override {
    asio::post(ws_.get_executor(), [self = shared_from_this()] { self->DoClose(websocket::close_code::going_away); });
  }

  static asio::awaitable<void> Run(std::shared_ptr<WsSession> self, http::request<http::string_body> req) {
    auto& ws = self->ws_;
    beast::get_lowest_layer(ws).expires_never();
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(10);
    t.idle_timeout = std::chrono::seconds(self->server_->options.ws_idle_timeout_seconds);
    t.keep_alive_pings = true;
    ws.set_option(t);
    ws.read_message_max(self->server_->options.ws_max_message);
    ws.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "lingxi"); }));
    auto [ec] = co_await ws.async_accept(req, kTuple);
    if (ec) co_return;
    auto& m = ServerMetrics::Get();
    m.ws_connections->Add(1);
    self->server_->Track(self);
    if (self->binding_.on_open) self->binding_.on_open(self);
    beast::flat_buffer buffer;
    for (;;) {
      auto [rec, n] = co_await ws.async_read(buffer, kTuple);
      if (rec) {
        if (rec == websocket::error::message_too_big) {
          LOG_INFO("websocket message over {} bytes; closing", self->server_->options.ws_max_message);
        }
        break;
      }
      if (ws.got_text()) {
        std::string text = beast::buffers_to_string(buffer.data());
        if (self->binding_.on_message) self->binding_.on_message(self, std::move(text));
      }
      buffer.consume(buffer.size());
      if (buffer.capacity() > 8192) buffer.shrink_to_fit();
    }
    self->closed_ = true;
    self->queue_.clear();
    m.ws_connections->Add(-1);
    self->server_->Untrack(self);
    if (self->binding_.on_close) self->binding_.on_close(self);
    self->binding_ = {};
  }

 private:
  void WriteNext() {
    writing_ = true;
    auto payload = queue_.front();
    ws_.text(true);
    ws_.async_write(asio::buffer(*payload), [self = shared_from_this(), payload](beast::error_code ec, size_t) {
      self->writing_ = false;
      if (ec) {
        self->closed_ = true;
        self->queue_.clear();
        return;
      }
      if (!self->queue_.empty()) self->queue_.pop_front();
      if (self->close_after_write_ && self->queue_.empty()) {
        self->DoClose(self->pending_close_);
        return;
      }
      if (!self->queue_.empty() && !self->closed_) self->WriteNext();
    });
  }

  void DoClose(websocket::close_code code) {
    if (closed_) return;
    if (writing_) {
      close_after_write_ = true;
      pending_close_ = code;
      return;
    }
    closed_ = true;
    queue_.clear();
    ws_.async_close(code, [self = shared_from_this()](beast::error_code) {});
  }

  websocket::stream<beast::tcp_stream> ws_;
  ImplPtr server_;
  WsBinding binding_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool writing_ = false;
  bool closed_ = false;
  bool close_after_write_ = false;
  websocket::close_code pending_close_ = websocket::close_code::normal;
};

// ---- HTTP session ------------------------------------------------------------------

class HttpConnection : public Closable, public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(tcp::socket socket, ImplPtr server) : stream_(std::move(socket)), server_(std::move(server)) {}

  void ShutdownFromAnyThread() override {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->stream_.socket().shutdown(tcp::socket::shutdown_receive, self->ignored_);
    });
  }

  static asio::awaitable<void> Run(std::shared_ptr<HttpConnection> self);
  beast::tcp_stream::executor_type executor() { return stream_.get_executor(); }

 private:
  asio::awaitable<bool> WriteResponse(const HttpResponse& r, unsigned version, bool keep_alive, bool head,
                                      int64_t started_us);
  beast::tcp_stream stream_;
  ImplPtr server_;
  bool busy_ = false;
  beast::error_code ignored_;
};

asio::awaitable<bool> HttpConnection::WriteResponse(const HttpResponse& r, unsigned version, bool keep_alive,
                                                    bool head, int64_t started_us) {
  auto res = ToBeast(r, version, keep_alive && !server_->stopping, head);
  auto& m = ServerMetrics::Get();
  m.Count(r.status);
  m.latency->ObserveMicros(MonotonicMicros() - started_us);
  stream_.expires_after(std::chrono::seconds(server_->options.idle_timeout_seconds));
  auto [ec, n] = co_await http::async_write(stream_, res, kTuple);
  co_return !ec && res.keep_alive();
}

asio::awaitable<void> HttpConnection::Run(std::shared_ptr<HttpConnection> self) {
  const auto& opt = self->server_->options;
  std::string remote;
  {
    beast::error_code ec;
    auto ep = self->stream_.socket().remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string();
  }
  ServerMetrics::Get().http_connections->Add(1);
  self->server_->Track(self);
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(opt.header_limit));
    parser.body_limit(opt.body_limit);
    self->stream_.expires_after(std::chrono::seconds(opt.idle_timeout_seconds));
    self->busy_ = false;
    if (self->server_->stopping) break;
    auto [ec, n] = co_await http::async_read(self->stream_, buffer, parser, kTuple);
    self->busy_ = true;
    const int64_t started = MonotonicMicros();
    if (ec) {
      HttpResponse err;
      if (ec == http::error::body_limit) {
        err = HttpResponse::Json(413, ErrorBody("payload_too_large",
                                                "request body exceeds " + std::to_string(opt.body_limit) + " bytes"));
      } else if (ec == http::error::header_limit) {
        err = HttpResponse::Json(431, ErrorBody("headers_too_large", "request headers too large"));
      } else if (ec.category() == http::make_error_code(http::error::bad_target).category() && ec != http::error::end_of_stream &&
                 ec != http::error::partial_message) {
        err = HttpResponse::Json(400, ErrorBody("bad_request", "malformed HTTP request"));
      } else {
        break;  // closed, timed out, or reset: nothing to answer
      }
      err.close = true;
      co_await self->WriteResponse(err, 11, false, false, started);
      break;
    }
    auto req = parser.release();
    const bool head = req.method() == http::verb::head;
    HttpRequest hreq = ToRequest(req, remote);
    const bool is_ws = websocket::is_upgrade(req);
    auto match = self->server_->router->Find(hreq.method, &hreq, is_ws);
    HttpResponse resp;
    if (hreq.path == "\x01invalid") {
      resp = HttpResponse::Json(400, ErrorBody("bad_request", "malformed request target"));
    } else if (is_ws && match.ws) {
      auto decision = co_await (*match.ws)(std::move(hreq));
      if (auto* binding = std::get_if<WsBinding>(&decision)) {
        self->server_->Untrack(self);
        ServerMetrics::Get().http_connections->Add(-1);
        auto ws = std::make_shared<WsSession>(std::move(self->stream_), self->server_, std::move(*binding));
        co_await WsSession::Run(ws, std::move(req));
        co_return;
      }
      resp = std::get<HttpResponse>(std::move(decision));
    } else if (match.http) {
      resp = co_await (*match.http)(std::move(hreq));
    } else if (!match.path_matched && (hreq.method == "GET" || hreq.method == "HEAD") &&
               self->server_->router->fallback() && !is_ws) {
      resp = co_await (*self->server_->router->fallback())(std::move(hreq));
    } else if (match.path_matched) {
      resp = HttpResponse::Json(405, ErrorBody("method_not_allowed", "method not allowed on this path"));
    } else {
      resp = HttpResponse::Json(404, ErrorBody("not_found", "no such route"));
    }
    bool keep = co_await self->WriteResponse(resp, req.version(), req.keep_alive(), head, started);
    if (!keep) break;
  }
  beast::error_code ec;
  self->stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  ServerMetrics::Get().http_connections->Add(-1);
  self->server_->Untrack(self);
}

asio::awaitable<void> Accept(ImplPtr impl) {
  for (;;) {
    auto [ec, socket] = co_await impl->acceptor.async_accept(asio::make_strand(impl->ioc), kTuple);
    if (ec) {
      if (impl->stopping || ec == asio::error::operation_aborted) co_return;
      LOG_WARN("accept failed: {}", ec.message());
      if (ec == asio::error::no_descriptors) {
        asio::steady_timer t(impl->acceptor.get_executor(), std::chrono::milliseconds(50));
        co_await t.async_wait(kTuple);
      }
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto conn = std::make_shared<HttpConnection>(std::move(socket), impl);
    asio::co_spawn(conn->executor(), HttpConnection::Run(conn), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        LOG_ERROR("connection handler failed: {}", ex.what());
      }
    });
  }
}

}  // namespace

HttpServer::HttpServer(asio::io_context& ioc, ServerOptions options, const Router* router)
    : impl_(std::make_shared<Impl>(ioc, std::move(options), router)) {
  ServerMetrics::Get();
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  beast::error_code ec;
  auto addr = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return InvalidArgument("invalid listen address '" + impl_->options.host + "'");
  tcp::endpoint ep(addr, impl_->options.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Unavailable("cannot listen on " + impl_->options.host + ":" + std::to_string(impl_->options.port) +
                             ": " + ec.message());
  port_ = a.local_endpoint().port();
  asio::co_spawn(a.get_executor(), Accept(impl_), asio::detached);
  return Status::Ok();
}

void HttpServer::Stop() {
  if (impl_->stopping.exchange(true)) return;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ec;
    impl->acceptor.close(ec);
  });
  std::vector<std::shared_ptr<Closable>> live;
  {
    std::lock_guard lock(impl_->mu);
    live.assign(impl_->live.begin(), impl_->live.end());
  }
  for (auto& c : live) c->ShutdownFromAnyThread();
}

size_t HttpServer::active_connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->live.size();
}

}  // namespace lingxi::server
