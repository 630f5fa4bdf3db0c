// lingxi_loadgen: load generator for the Lingxi widget API (HTTP + WebSocket), one io_context, one thread.
// See loadgen.cc for the scenarios and docs/performance.md for results.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lingxi_loadgen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using beast::error_code;

struct Options {
  std::string scenario, host = "127.0.0.1", source_ip, inbox_token = "demo", label;
  unsigned short port = 8080;
  int customers = 1000, connections = 1000, setup_concurrency = 64, server_pid = 0;
  double rate = 1000, duration = 10, warmup = 2, hold = 10, turn_timeout = 10;
};

// The demo knowledge base's in-scope questions; frames are pre-serialized from these.
extern const char* const kQuestions[];
extern const size_t kNumQuestions;

std::string JsonEscape(std::string_view s);
struct Rss { long rss_kb = -1, hwm_kb = -1; };
Rss ReadRss(int pid);                                       // VmRSS / VmHWM of a process, kB (-1 if unknown)
double Pct(const std::vector<int64_t>& sorted_ns, double p);  // percentile of sorted nanoseconds, in ms

class Generator;

// One customer WebSocket. Handlers hold a shared_ptr; a replaced connection is marked retired.
struct Conn : std::enable_shared_from_this<Conn> {
  Conn(asio::io_context& ioc, uint32_t who) : ws(ioc), owner(who) {}
  websocket::stream<beast::tcp_stream> ws;
  beast::flat_buffer buf;
  uint32_t owner;
  bool retired = false, open = false;
  std::string target;
  std::function<void(bool)> on_ready;  // set until the hello frame (or a failure) arrives
};

struct Customer {
  enum State { kSetup, kIdle, kBusy, kDead } state = kSetup;
  std::shared_ptr<Conn> conn;
  size_t next_q = 0;
  int setup_attempts = 0;
  bool measured = false;
  Clock::time_point sched_at, sent_at;
  std::string frame;  // reused write buffer
};

// A keep-alive HTTP connection that creates conversations, then opens the customer's WebSocket.
struct SetupWorker {
  SetupWorker(asio::io_context& ioc, Generator* gen) : stream(ioc), g(gen) {}
  beast::tcp_stream stream;
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  Generator* g;
  bool connected = false, busy = false;
  uint32_t current = 0;
};

// Drives one scenario. Everything runs on the io_context's single thread: no locks.
class Generator {
 public:
  Generator(asio::io_context& ioc, Options o);
  void Start();
  // conversation setup (setup.cc)
  void NextSetup(SetupWorker* w);
  bool OpenBound(tcp::socket& s);
  void SendCreate(SetupWorker* w);
  void CloseWorker(SetupWorker* w);
  void SetupFailed(SetupWorker* w, uint64_t* counter);
  void OpenWs(uint32_t idx, std::string token, std::function<void(bool)> done);
  void FinishSetup(const std::shared_ptr<Conn>& conn, bool ok);
  void CheckSetupDone();
  void Reset(uint32_t idx);
  void Retire(const std::shared_ptr<Conn>& conn);
  // WebSocket frames (setup.cc)
  void Read(const std::shared_ptr<Conn>& conn);
  void OnRead(const std::shared_ptr<Conn>& conn, error_code ec);
  void OnFrame(const std::shared_ptr<Conn>& conn, Customer& c, std::string_view f);
  // turns: open-loop schedule (loadgen.cc)
  void StartTurns();
  void Tick();
  void SendTurn(Clock::time_point sched, bool measured);
  void Sweep();
  void Drain();
  // idle: hold connections (loadgen.cc)
  void StartHold();
  void HoldTick();
  // report (loadgen.cc)
  void Finish();

 private:
  enum Phase { kSetup, kRun, kDrain, kDone };
  asio::io_context& ioc_;
  Options o_;
  asio::steady_timer timer_, sweep_;
  tcp::endpoint endpoint_, source_;
  http::request<http::string_body> req_;
  std::vector<std::string> frame_prefix_;
  std::vector<Customer> customers_;
  std::deque<uint32_t> idle_, setup_queue_;
  std::vector<std::unique_ptr<SetupWorker>> workers_;
  Phase phase_ = kSetup;
  bool setup_done_ = false, stopping_ = false;
  Clock::time_point setup_started_, t0_, measure_from_, drain_started_;
  double setup_seconds_ = 0;
  uint64_t setup_ok_ = 0, setup_http_fail_ = 0, setup_http_status_ = 0, setup_ws_fail_ = 0;
  uint64_t total_turns_ = 0, issued_ = 0, sent_ = 0, completed_ = 0, skipped_ = 0, timeouts_ = 0;
  uint64_t turn_errors_ = 0, write_errors_ = 0, ws_closed_ = 0, server_errors_ = 0, handoffs_ = 0, unexpected_bot_ = 0;
  size_t incomplete_ = 0;
  int64_t open_conns_ = 0, established_ = 0, min_open_ = INT64_MAX;
  Rss rss_start_;
  long rss_max_kb_ = -1;
  std::vector<int64_t> lat_, lat_sched_;
};

}  // namespace lingxi_loadgen
