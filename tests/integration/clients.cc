// Loopback clients for the integration tests: HTTP, WebSocket, raw TCP, JSON accessors.
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <cctype>
#include <memory>
#include <stdexcept>

#include "harness.h"

#include "core/crypto.h"

namespace lingxi::it {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {
[[noreturn]] void Fail(const std::string& what) { throw std::runtime_error(what); }
}  // namespace

// ---- HTTP -------------------------------------------------------------------------------

std::string HttpResult::ErrorCode() const { return Str(At(At(json, "error"), "code")); }

HttpResult Http(uint16_t port, const std::string& method, const std::string& target, const std::string& body,
                const std::string& bearer, std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  req.keep_alive(false);
  if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
  if (!body.empty()) req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  beast::error_code read_ec, write_ec;
  bool done = false;
  auto read = [&] {
    http::async_read(stream, buffer, parser, [&](beast::error_code ec, size_t) {
      read_ec = ec;
      done = true;
    });
  };
  stream.expires_after(timeout);
  stream.async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), port), [&](beast::error_code ec) {
    if (ec) {
      read_ec = ec;
      done = true;
      return;
    }
    http::async_write(stream, req, [&](beast::error_code ec2, size_t) {
      write_ec = ec2;
      read();  // the server may answer (e.g. 413) without reading the whole body
    });
  });
  ioc.run();
  if (!done || read_ec) {
    Fail(method + " " + target + ": " + (read_ec ? read_ec.message() : "no response") +
         (write_ec ? " (write: " + write_ec.message() + ")" : ""));
  }
  auto res = parser.release();
  HttpResult r;
  r.status = static_cast<int>(res.result_int());
  r.body = res.body();
  r.content_type = std::string(res[http::field::content_type]);
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  if (!ec) r.json = std::move(v);
  return r;
}

std::string ConvPath(int64_t id, const std::string& suffix) {
  return "/api/v1/conversations/" + std::to_string(id) + suffix;
}
std::string UrlEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out.push_back(static_cast<char>(ch));
    } else {
      out.push_back('%');
      out.push_back(kHex[ch >> 4]);
      out.push_back(kHex[ch & 15]);
    }
  }
  return out;
}

std::string WidgetPath(int64_t id, const std::string& suffix) {
  return "/api/v1/widget/conversations/" + std::to_string(id) + suffix;
}

WidgetSession StartConversation(uint16_t port, const std::string& inbox_token) {
  auto r = Http(port, "POST", "/api/v1/widget/conversations", json::object{{"inbox_token", inbox_token}});
  if (r.status != 201) Fail("create conversation: " + std::to_string(r.status) + " " + r.body);
  return WidgetSession{Int(At(r.json, "conversation_id")), Str(At(r.json, "token"))};
}

std::string DemoIdentitySecret(uint16_t port) {
  auto r = Http(port, "GET", "/api/v1/inboxes", "", Login(port));
  if (r.status != 200) Fail("list inboxes: " + std::to_string(r.status) + " " + r.body);
  for (const auto& i : At(r.json, "inboxes").as_array())
    if (Str(At(i, "widget_token")) == "demo") return Str(At(i, "identity_secret"));
  Fail("no demo inbox");
}

WidgetSession StartAsCustomer(uint16_t port, const std::string& external_id, const std::string& name) {
  if (!InitCrypto().ok()) Fail("libsodium");
  json::object contact{{"external_id", external_id},
                       {"identifier_hash", HmacSha256Hex(DemoIdentitySecret(port), external_id)}};
  if (!name.empty()) contact["name"] = name;
  auto r = Http(port, "POST", "/api/v1/widget/conversations", json::object{{"inbox_token", "demo"}, {"contact", contact}});
  if (r.status != 201) Fail("create conversation as " + external_id + ": " + std::to_string(r.status) + " " + r.body);
  return WidgetSession{Int(At(r.json, "conversation_id")), Str(At(r.json, "token"))};
}

HttpResult CustomerSay(uint16_t port, const WidgetSession& s, const std::string& content) {
  return Http(port, "POST", WidgetPath(s.conversation_id, "/messages"), json::object{{"content", content}}, s.token);
}

json::array CustomerMessages(uint16_t port, const WidgetSession& s) {
  auto r = Http(port, "GET", WidgetPath(s.conversation_id, "/messages?limit=500"), "", s.token);
  if (r.status != 200) Fail("list messages: " + std::to_string(r.status) + " " + r.body);
  const auto& m = At(r.json, "messages");
  return m.is_array() ? m.as_array() : json::array{};
}

std::string Login(uint16_t port, const std::string& email, const std::string& password) {
  auto r = Http(port, "POST", "/api/v1/auth/login", json::object{{"email", email}, {"password", password}});
  if (r.status != 200) Fail("login " + email + ": " + std::to_string(r.status) + " " + r.body);
  return Str(At(r.json, "token"));
}

const json::value& At(const json::value& v, std::string_view key) {
  static const json::value kNull;
  if (!v.is_object()) return kNull;
  auto* p = v.as_object().if_contains(key);
  return p ? *p : kNull;
}
const json::value& At(const json::value& v, size_t index) {
  static const json::value kNull;
  if (!v.is_array() || index >= v.as_array().size()) return kNull;
  return v.as_array()[index];
}
std::string Str(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : std::string(); }
int64_t Int(const json::value& v) {
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64()) return static_cast<int64_t>(v.as_uint64());
  return 0;
}
double Num(const json::value& v) { return v.is_number() ? v.to_number<double>() : 0.0; }
size_t Len(const json::value& v) {
  if (v.is_array()) return v.as_array().size();
  if (v.is_object()) return v.as_object().size();
  return 0;
}

// ---- WebSocket --------------------------------------------------------------------------

WsClient::WsClient(uint16_t port, const std::string& target, std::chrono::milliseconds timeout) : ws_(ioc_) {
  auto& tcp_layer = beast::get_lowest_layer(ws_);
  tcp_layer.expires_after(timeout);
  beast::error_code result;
  bool done = false;
  tcp_layer.async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), port), [&](beast::error_code ec) {
    if (ec) {
      result = ec;
      done = true;
      return;
    }
    ws_.async_handshake("127.0.0.1:" + std::to_string(port), target, [&](beast::error_code ec2) {
      result = ec2;
      done = true;
    });
  });
  ioc_.run();
  if (!done || result) Fail("websocket " + target + ": " + (result ? result.message() : "no handshake"));
  tcp_layer.expires_never();
  ws_.read_message_max(16 << 20);
  StartRead();
}

WsClient::~WsClient() {
  beast::error_code ec;
  beast::get_lowest_layer(ws_).socket().close(ec);
}

void WsClient::StartRead() {
  ws_.async_read(buffer_, [this](beast::error_code ec, size_t) {
    if (ec) {
      closed_ = true;
      return;
    }
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    boost::system::error_code pec;
    auto v = json::parse(text, pec);
    inbox_.push_back(pec ? json::value(json::string(text)) : std::move(v));
    StartRead();
  });
}

bool WsClient::RunUntil(const std::function<bool()>& done, Clock::time_point deadline) {
  while (!done()) {
    auto now = Clock::now();
    if (now >= deadline) return false;
    if (ioc_.stopped()) ioc_.restart();
    if (ioc_.run_one_for(deadline - now) == 0 && ioc_.stopped()) return done();  // out of work
  }
  return true;
}

void WsClient::Poll() {
  if (ioc_.stopped()) ioc_.restart();
  ioc_.poll();
}

bool WsClient::Send(const std::string& text, std::chrono::milliseconds timeout) {
  if (closed_) return false;
  struct State {
    bool done = false;
    bool ok = false;
    std::string payload;
  };
  auto st = std::make_shared<State>();
  st->payload = text;
  ws_.text(true);
  ws_.async_write(asio::buffer(st->payload), [st](beast::error_code ec, size_t) {
    st->done = true;
    st->ok = !ec;
  });
  return RunUntil([&] { return st->done; }, Clock::now() + timeout) && st->ok;
}

std::optional<json::value> WsClient::WaitFor(const std::function<bool(const json::value&)>& pred,
                                             std::chrono::milliseconds timeout) {
  std::optional<size_t> found;
  size_t scanned = 0;
  auto search = [&] {
    for (; scanned < inbox_.size(); ++scanned) {
      if (pred(inbox_[scanned])) {
        found = scanned;
        return true;
      }
    }
    return closed_;
  };
  RunUntil(search, Clock::now() + timeout);
  if (!found) return std::nullopt;
  json::value v = std::move(inbox_[*found]);
  inbox_.erase(inbox_.begin() + static_cast<std::ptrdiff_t>(*found));
  return v;
}

std::optional<json::value> WsClient::WaitForType(const std::string& type, std::chrono::milliseconds timeout) {
  return WaitFor([&](const json::value& v) { return Str(At(v, "type")) == type; }, timeout);
}

bool WsClient::WaitClosed(std::chrono::milliseconds timeout) {
  return RunUntil([&] { return closed_; }, Clock::now() + timeout);
}

// ---- RawConnection ----------------------------------------------------------------------

RawConnection::RawConnection(uint16_t port) : socket_(ioc_) {
  socket_.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port));
}

void RawConnection::Write(const std::string& bytes) { asio::write(socket_, asio::buffer(bytes)); }

bool RawConnection::WaitForClose(std::chrono::milliseconds timeout, std::string* received) {
  auto buf = std::make_shared<std::array<char, 4096>>();
  bool peer_closed = false;
  std::function<void()> read = [&] {
    socket_.async_read_some(asio::buffer(*buf), [&, buf](beast::error_code ec, size_t n) {
      if (ec) {
        peer_closed = ec != asio::error::operation_aborted;
        return;
      }
      received->append(buf->data(), n);
      read();
    });
  };
  read();
  ioc_.run_for(timeout);
  if (!peer_closed) {
    beast::error_code ec;
    socket_.close(ec);
    ioc_.restart();
    ioc_.run();  // drain the aborted read
  }
  return peer_closed;
}

}  // namespace lingxi::it
