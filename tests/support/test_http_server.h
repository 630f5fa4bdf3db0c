// A scriptable HTTP/1.1 server on loopback for tests and benchmarks (Boost.Beast, C++20
// coroutines, one io_context on a few threads, no thread per connection).
//
// For every request the handler returns a Reply: a status, headers and either a plain body or a
// list of steps (write a chunk, wait, drop the connection, trickle bytes forever). The server plays
// the steps with timers, so thousands of slow streams cost only memory.
// Thread-safety: the handler runs on the server's I/O threads (concurrently when threads > 1);
// requests() and the destructor may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lingxi::testing {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct ReceivedRequest {
  std::string method;
  std::string target;
  HeaderList headers;
  std::string body;
  std::string Header(const std::string& name) const;  // case-insensitive, "" if absent
};

// In a chunk, replaced at send time by steady_clock microseconds since its epoch (CLOCK_MONOTONIC,
// comparable across processes on one machine): lets a benchmark measure delivery latency.
inline constexpr char kSendTimeMarker[] = "{{SEND_TIME_US}}";

struct ReplyStep {
  enum class Kind { kChunk, kDelay, kClose, kTrickleForever };
  Kind kind = Kind::kChunk;
  std::string bytes;                     // kChunk / kTrickleForever: payload
  std::chrono::milliseconds delay{0};    // kDelay: how long; kTrickleForever: interval

  static ReplyStep Chunk(std::string b) { return {Kind::kChunk, std::move(b), {}}; }
  static ReplyStep Delay(std::chrono::milliseconds d) { return {Kind::kDelay, {}, d}; }
  static ReplyStep Close() { return {Kind::kClose, {}, {}}; }
  static ReplyStep Trickle(std::string b, std::chrono::milliseconds every) {
    return {Kind::kTrickleForever, std::move(b), every};
  }
};

struct Reply {
  int status = 200;
  HeaderList headers;
  std::string body;                          // used when steps is empty (Content-Length)
  std::vector<ReplyStep> steps;              // non-empty: chunked transfer encoding, played in order
  std::chrono::milliseconds delay_before{0}; // wait before sending anything (status line included)
};

class TestHttpServer {
 public:
  using Handler = std::function<Reply(const ReceivedRequest&)>;
  struct Options {
    std::string address = "127.0.0.1";
    uint16_t port = 0;  // 0 = pick a free port
    int threads = 1;
    size_t max_body_bytes = 16 << 20;
  };

  // Starts listening at once. Throws std::runtime_error if the address cannot be bound.
  TestHttpServer(Handler handler, Options options);
  explicit TestHttpServer(Handler handler) : TestHttpServer(std::move(handler), Options{}) {}
  ~TestHttpServer();  // stops accepting, drops connections, joins the threads
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  uint16_t port() const;
  std::string Url(const std::string& path) const;  // http://127.0.0.1:port + path
  size_t connections_accepted() const;
  size_t open_connections() const;

  struct State;  // implementation detail, shared with the session coroutines

 private:
  std::unique_ptr<State> state_;
};

}  // namespace lingxi::testing
