// Integration-test harness: runs the real `lingxi` binary as a child process on port 0 and
// talks to it over loopback with small synchronous Beast clients. Every wait has a deadline;
// nothing sleeps to synchronise. Set-up failures throw std::runtime_error (GoogleTest reports
// an uncaught exception as a test failure).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lingxi::it {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

using EnvVars = std::vector<std::pair<std::string, std::string>>;

// A fresh directory under $TMPDIR (default /tmp), removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;  // -signal if killed
  std::string out;     // stdout
};
// Runs LINGXI_BIN with `args` (cwd = `cwd`), waits up to 30 s.
CommandResult RunLingxi(const std::vector<std::string>& args, const std::string& cwd, const EnvVars& env = {});

// `lingxi init` on `data_dir`; returns the new inbox's widget token.
std::string InitTenant(const std::string& data_dir, const std::string& account, const std::string& email,
                       const std::string& password);

// One `lingxi serve` child process. The data directory lives at root/data; stderr (the log)
// goes to root/server-N.log and is echoed when start-up fails.
class ServerProcess {
 public:
  explicit ServerProcess(std::string root, bool demo = true, EnvVars env = {});
  ~ServerProcess();  // SIGKILLs a still-running child
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  void Start();       // throws unless "LISTENING http://127.0.0.1:PORT" appears within 20 s
  int Stop();         // SIGTERM, wait (15 s, then SIGKILL); returns the exit code, -signal, or -1000 on timeout
  void Kill();        // SIGKILL and reap
  uint16_t port() const { return port_; }
  std::string data_dir() const { return root_ + "/data"; }
  bool running() const { return pid_ > 0; }
  std::string LogTail(size_t bytes = 4000) const;

 private:
  int Wait(Clock::time_point deadline);
  std::string root_;
  bool demo_;
  EnvVars env_;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  uint16_t port_ = 0;
  int starts_ = 0;
  std::string log_path_;
};

// ---- HTTP ------------------------------------------------------------------------------

struct HttpResult {
  int status = 0;
  std::string body;
  std::string content_type;
  json::value json;  // null unless the body parsed as JSON
  std::string ErrorCode() const;  // error.code of an error body, or ""
};

// One request on a fresh connection. Throws on connect/IO failure or after `timeout`.
HttpResult Http(uint16_t port, const std::string& method, const std::string& target, const std::string& body = "",
                const std::string& bearer = "", std::chrono::milliseconds timeout = 10s);
inline HttpResult Http(uint16_t port, const std::string& method, const std::string& target, const json::object& body,
                       const std::string& bearer = "") {
  return Http(port, method, target, json::serialize(body), bearer);
}

// Convenience wrappers for the common calls (they EXPECT nothing; callers assert).
struct WidgetSession {
  int64_t conversation_id = 0;
  std::string token;
};
WidgetSession StartConversation(uint16_t port, const std::string& inbox_token = "demo");
// The demo inbox's identity secret, read as its admin through GET /api/v1/inboxes.
std::string DemoIdentitySecret(uint16_t port);
// A conversation as the business's verified customer `external_id` on the demo inbox (the hash
// computed the way a business's back-end would, from the secret above).
WidgetSession StartAsCustomer(uint16_t port, const std::string& external_id, const std::string& name = "");
HttpResult CustomerSay(uint16_t port, const WidgetSession& s, const std::string& content);
json::array CustomerMessages(uint16_t port, const WidgetSession& s);
std::string Login(uint16_t port, const std::string& email = "agent@demo.lingxi", const std::string& password = "demo");
std::string ConvPath(int64_t id, const std::string& suffix = "");
std::string UrlEncode(std::string_view s);
std::string WidgetPath(int64_t id, const std::string& suffix = "");

// Safe JSON accessors: a missing key or a wrong type yields null / 0 / "" (so assertions fail
// instead of throwing).
const json::value& At(const json::value& v, std::string_view key);
const json::value& At(const json::value& v, size_t index);
std::string Str(const json::value& v);
// True for the echo that acknowledges a customer's WebSocket message: the stored message,
// pushed after COMMIT, carrying the client_id the customer gave it.
inline bool IsAck(const json::value& v) {
  return v.is_object() && Str(At(v, "type")) == "message" && v.as_object().contains("client_id");
}
int64_t Int(const json::value& v);
double Num(const json::value& v);
size_t Len(const json::value& v);  // array or object size, else 0

// ---- WebSocket -------------------------------------------------------------------------

class WsClient {
 public:
  // Connects and completes the handshake (throws on failure, e.g. a 401 from the server).
  WsClient(uint16_t port, const std::string& target, std::chrono::milliseconds timeout = 10s);
  ~WsClient();

  // Sends one text frame; keeps receiving while it is written. Returns false if the write failed.
  bool Send(const std::string& text, std::chrono::milliseconds timeout = 10s);
  bool Send(const json::value& v, std::chrono::milliseconds timeout = 10s) { return Send(json::serialize(v), timeout); }
  // Returns (and removes) the first received frame satisfying `pred`, waiting up to `timeout`.
  std::optional<json::value> WaitFor(const std::function<bool(const json::value&)>& pred,
                                     std::chrono::milliseconds timeout = 10s);
  std::optional<json::value> WaitForType(const std::string& type, std::chrono::milliseconds timeout = 10s);
  // Processes whatever has arrived, without blocking.
  void Poll();
  // Waits until the server closes the connection (or the read fails). False on timeout.
  bool WaitClosed(std::chrono::milliseconds timeout = 10s);
  bool closed() const { return closed_; }
  // Frames received and not yet taken by WaitFor.
  std::deque<json::value>& inbox() { return inbox_; }

 private:
  void StartRead();
  bool RunUntil(const std::function<bool()>& done, Clock::time_point deadline);
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::deque<json::value> inbox_;
  bool closed_ = false;
};

// ---- raw TCP (for protocol-level misbehaviour) -----------------------------------------

class RawConnection {
 public:
  explicit RawConnection(uint16_t port);
  void Write(const std::string& bytes);
  // Reads until EOF/reset or `timeout`. Returns true if the peer closed; `received` gets the data.
  bool WaitForClose(std::chrono::milliseconds timeout, std::string* received);

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
};

// ---- fixtures ---------------------------------------------------------------------------

// One demo server per test suite (started in SetUpTestSuite, stopped -- and required to exit 0 --
// in TearDownTestSuite). Suites that need other settings define their own SetUpTestSuite that
// calls StartShared(env).
class SharedServerTest : public ::testing::Test {
 protected:
  static void StartShared(EnvVars env = {});
  static void StopShared();
  static void SetUpTestSuite() { StartShared(); }
  static void TearDownTestSuite() { StopShared(); }
  static uint16_t port();
  static ServerProcess& server();

 private:
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<ServerProcess> server_;
};

}  // namespace lingxi::it
