// Conversation setup (HTTP create + WebSocket open) and incoming WebSocket frames.
#include "loadgen.h"

namespace lingxi_loadgen {

Generator::Generator(asio::io_context& ioc, Options o) : ioc_(ioc), o_(std::move(o)), timer_(ioc), sweep_(ioc) {
  endpoint_ = tcp::endpoint(asio::ip::make_address(o_.host), o_.port);
  if (!o_.source_ip.empty()) source_ = tcp::endpoint(asio::ip::make_address(o_.source_ip), 0);
  req_ = {http::verb::post, "/api/v1/widget/conversations", 11};
  req_.set(http::field::host, o_.host + ":" + std::to_string(o_.port));
  req_.set(http::field::content_type, "application/json");
  req_.keep_alive(true);
  req_.body() = "{\"inbox_token\":" + JsonEscape(o_.inbox_token) + "}";
  req_.prepare_payload();
  for (size_t i = 0; i < kNumQuestions; ++i)
    frame_prefix_.push_back("{\"type\":\"message\",\"content\":" + JsonEscape(kQuestions[i]) + ",\"client_id\":\"c");
  const int n = o_.scenario == "turns" ? o_.customers : o_.connections;
  customers_.resize(static_cast<size_t>(n));
  for (size_t i = 0; i < customers_.size(); ++i) {
    customers_[i].next_q = (i * 7) % kNumQuestions;
    customers_[i].frame.reserve(256);
    setup_queue_.push_back(static_cast<uint32_t>(i));
  }
}

void Generator::Start() {
  setup_started_ = Clock::now();
  std::printf("setting up %zu customers (%d in flight)...\n", customers_.size(), o_.setup_concurrency);
  std::fflush(stdout);
  for (int i = 0; i < o_.setup_concurrency; ++i) workers_.push_back(std::make_unique<SetupWorker>(ioc_, this));
  for (auto& w : workers_) NextSetup(w.get());
  CheckSetupDone();
}

void Generator::NextSetup(SetupWorker* w) {
  if (setup_queue_.empty() || stopping_) {
    w->busy = false;
    return;
  }
  w->busy = true;
  w->current = setup_queue_.front();
  setup_queue_.pop_front();
  ++customers_[w->current].setup_attempts;
  if (w->connected) return SendCreate(w);
  error_code ec;
  if (w->stream.socket().is_open()) w->stream.socket().close(ec);
  if (!OpenBound(w->stream.socket())) return SetupFailed(w, &setup_http_fail_);
  w->stream.expires_after(std::chrono::seconds(10));
  w->stream.async_connect(endpoint_, [this, w](error_code e) {
    if (e) return SetupFailed(w, &setup_http_fail_);
    w->connected = true;
    SendCreate(w);
  });
}

bool Generator::OpenBound(tcp::socket& s) {
  error_code ec;
  s.open(tcp::v4(), ec);
  if (!ec && !o_.source_ip.empty()) s.bind(source_, ec);
  return !ec;
}

void Generator::SendCreate(SetupWorker* w) {
  w->res = {};
  w->stream.expires_after(std::chrono::seconds(10));
  http::async_write(w->stream, req_, [this, w](error_code ec, size_t) {
    if (ec) return SetupFailed(w, &setup_http_fail_);
    http::async_read(w->stream, w->buf, w->res, [this, w](error_code e, size_t) {
      if (e) return SetupFailed(w, &setup_http_fail_);
      if (!w->res.keep_alive()) CloseWorker(w);
      if (w->res.result_int() != 201) return SetupFailed(w, &setup_http_status_);
      error_code pe;
      json::value v = json::parse(w->res.body(), pe);
      const json::value* tv = (!pe && v.is_object()) ? v.as_object().if_contains("token") : nullptr;
      const json::string* tok = tv ? tv->if_string() : nullptr;
      if (!tok) return SetupFailed(w, &setup_http_status_);
      OpenWs(w->current, std::string(*tok), [this, w](bool ok) {
        if (!ok) return SetupFailed(w, &setup_ws_fail_);
        NextSetup(w);
      });
    });
  });
}

void Generator::CloseWorker(SetupWorker* w) {
  error_code ec;
  w->stream.socket().close(ec);
  w->connected = false;
}

void Generator::SetupFailed(SetupWorker* w, uint64_t* counter) {
  ++*counter;
  if (counter == &setup_http_status_ && setup_http_status_ <= 3)
    std::fprintf(stderr, "setup: HTTP %u %s\n", w->res.result_int(), w->res.body().c_str());
  if (counter == &setup_http_fail_) CloseWorker(w);
  Customer& c = customers_[w->current];
  if (c.setup_attempts < 3 && !stopping_) setup_queue_.push_back(w->current);
  else c.state = Customer::kDead;
  NextSetup(w);
  CheckSetupDone();
}

void Generator::OpenWs(uint32_t idx, std::string token, std::function<void(bool)> done) {
  auto conn = std::make_shared<Conn>(ioc_, idx);
  customers_[idx].conn = conn;
  conn->target = "/api/v1/widget/ws?token=" + token;
  conn->on_ready = std::move(done);
  auto& sock = beast::get_lowest_layer(conn->ws).socket();
  if (!OpenBound(sock)) return FinishSetup(conn, false);
  beast::get_lowest_layer(conn->ws).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(conn->ws).async_connect(endpoint_, [this, conn](error_code ec) {
    if (ec) return FinishSetup(conn, false);
    beast::get_lowest_layer(conn->ws).expires_never();
    websocket::stream_base::timeout t = websocket::stream_base::timeout::suggested(beast::role_type::client);
    t.handshake_timeout = std::chrono::seconds(10);
    conn->ws.set_option(t);
    conn->ws.text(true);
    conn->ws.async_handshake(o_.host, conn->target, [this, conn](error_code e) {
      if (e) return FinishSetup(conn, false);
      conn->open = true;
      ++open_conns_;
      Read(conn);
    });
  });
}

void Generator::FinishSetup(const std::shared_ptr<Conn>& conn, bool ok) {
  if (!conn->on_ready) return;
  auto done = std::move(conn->on_ready);
  conn->on_ready = nullptr;
  Customer& c = customers_[conn->owner];
  if (ok) {
    ++setup_ok_;
    c.state = Customer::kIdle;
    idle_.push_back(conn->owner);
  }
  done(ok);
  CheckSetupDone();
}

void Generator::CheckSetupDone() {
  if (setup_done_ || !setup_queue_.empty()) return;
  for (auto& w : workers_)
    if (w->busy) return;
  setup_done_ = true;
  setup_seconds_ = std::chrono::duration<double>(Clock::now() - setup_started_).count();
  std::printf("setup: %llu ok, %llu http errors, %llu http bad status, %llu ws errors in %.1f s\n",
              (unsigned long long)setup_ok_, (unsigned long long)setup_http_fail_,
              (unsigned long long)setup_http_status_, (unsigned long long)setup_ws_fail_, setup_seconds_);
  std::fflush(stdout);
  if (phase_ == kSetup) {
    for (auto& w : workers_) CloseWorker(w.get());
    o_.scenario == "turns" ? StartTurns() : StartHold();
  }
}

// Re-creates a customer whose conversation left bot mode or whose turn timed out.
void Generator::Reset(uint32_t idx) {
  Customer& c = customers_[idx];
  Retire(c.conn);
  c.state = Customer::kSetup;
  c.setup_attempts = 0;
  setup_queue_.push_back(idx);
  for (auto& w : workers_)
    if (!w->busy) return NextSetup(w.get());
}

void Generator::Retire(const std::shared_ptr<Conn>& conn) {
  if (!conn || conn->retired) return;
  conn->retired = true;
  if (conn->open) {
    conn->open = false;
    --open_conns_;
    conn->ws.async_close(websocket::close_code::normal, [conn](error_code) {});
  }
}

void Generator::Read(const std::shared_ptr<Conn>& conn) {
  conn->ws.async_read(conn->buf, [this, conn](error_code ec, size_t) { OnRead(conn, ec); });
}

void Generator::OnRead(const std::shared_ptr<Conn>& conn, error_code ec) {
  if (conn->retired) return;
  Customer& c = customers_[conn->owner];
  if (ec) {
    if (conn->open) --open_conns_;
    conn->open = false;
    if (conn->on_ready) return FinishSetup(conn, false);
    if (!stopping_) {
      ++ws_closed_;
      if (ws_closed_ <= 3) std::fprintf(stderr, "websocket closed: %s\n", ec.message().c_str());
    }
    if (c.state == Customer::kBusy) ++turn_errors_;
    c.state = Customer::kDead;
    return;
  }
  std::string_view f(static_cast<const char*>(conn->buf.data().data()), conn->buf.size());
  OnFrame(conn, c, f);
  conn->buf.consume(conn->buf.size());
  if (!conn->retired) Read(conn);
}

void Generator::OnFrame(const std::shared_ptr<Conn>& conn, Customer& c, std::string_view f) {
  if (conn->on_ready) {
    if (f.find("\"type\":\"hello\"") != f.npos) FinishSetup(conn, true);
    return;
  }
  if (f.find("\"type\":\"message\"") != f.npos) {
    if (f.find("\"sender_type\":\"bot\"") == f.npos) return;  // the echo of the customer's own message
    if (c.state != Customer::kBusy) {
      ++unexpected_bot_;
      return;
    }
    const auto now = Clock::now();
    if (c.measured && phase_ != kDone) {
      lat_.push_back((now - c.sent_at).count());
      lat_sched_.push_back((now - c.sched_at).count());
      ++completed_;
    }
    // Knowledge-base answers, small talk and handoffs are all bot replies; a handoff ends bot mode.
    if (f.find("\"action\":\"handoff\"") != f.npos) {
      ++handoffs_;
      return Reset(conn->owner);
    }
    c.state = Customer::kIdle;
    idle_.push_back(conn->owner);
  } else if (f.find("\"type\":\"error\"") != f.npos) {
    if (++server_errors_ <= 3) std::fprintf(stderr, "server error frame: %.*s\n", (int)f.size(), f.data());
    if (c.state == Customer::kBusy) {
      if (c.measured) ++turn_errors_;
      c.state = Customer::kIdle;
      idle_.push_back(conn->owner);
    }
  }
}
}  // namespace lingxi_loadgen
