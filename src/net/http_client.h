// Asynchronous HTTP(S) client: libcurl's multi interface driven by one event-loop thread that
// the client owns (epoll + curl_multi_socket_action, an eventfd for wake-ups). There is no thread
// per request; thousands of concurrent requests (e.g. streamed LLM answers) share the loop.
//
// Thread-safety: Fetch, Stream, Cancel, RunAfter and CancelTimer may be called from any thread,
// including from inside callbacks. All callbacks run on the loop thread and must be short (no
// blocking I/O); every request's completion callback runs exactly once.
// Ownership: the client owns its requests; the destructor cancels those still outstanding
// (their callbacks get Cancelled) and joins the loop thread. REQUIRES: not destroyed from a callback.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace lingxi::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Called with every address curl is about to connect to (after DNS resolution, so DNS rebinding
// cannot bypass it). Return false to refuse the connection (the request fails with
// PermissionDenied). Runs on the loop thread.
using AddressFilter = std::function<bool(const std::string& host, const std::string& ip, int port)>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // http or https only (other schemes: InvalidArgument)
  Headers headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{5000};
  // ABSOLUTE, for the whole exchange including a streamed body; bytes trickling in (e.g. SSE
  // keep-alive comments) do not extend it.
  std::chrono::milliseconds deadline{20000};
  size_t max_response_bytes = 1 << 20;  // Fetch: larger bodies fail with ResourceExhausted
  bool follow_redirects = false;        // at most 5 hops, http/https only
  AddressFilter allow_address;          // empty = any address
  // Optional: runs on the loop thread right before the request is written, once the connection is
  // established or reused (each redirect hop too). For timing: submission → "sending" is the
  // client's own share of a request's latency. Must be quick; must not call into the client.
  std::function<void()> on_sending;
};

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;
  // Value of the first header with this name (case-insensitive), "" if absent.
  std::string Header(std::string_view name) const;
};

// Case-insensitive header lookup shared by HttpResponse and streaming callers.
std::string FindHeader(const Headers& headers, std::string_view name);

struct StreamHandlers {
  std::function<void(int status, const Headers& headers)> on_headers;  // once, before any data
  std::function<bool(std::string_view chunk)> on_data;  // return false to abort (on_done gets Cancelled)
  std::function<void(Status)> on_done;                  // exactly once, always
};

using RequestId = uint64_t;
using TimerId = uint64_t;

// Error mapping: bad URL / scheme → InvalidArgument; DNS or connect failure (incl. connect
// timeout) → Unavailable; absolute deadline → DeadlineExceeded; refused by allow_address →
// PermissionDenied; body over max_response_bytes (Fetch) → ResourceExhausted; Cancel, an
// on_data abort or client destruction → Cancelled; anything else from curl → Unavailable or
// Internal. An HTTP error status (4xx/5xx) is NOT an error: it is returned as a response.
class HttpClient {
 public:
  struct Options {
    size_t max_total_connections = 0;  // 0 = unlimited (curl queues requests beyond the limit)
    size_t buffer_size = 16 * 1024;    // curl's per-transfer receive buffer (1 KiB .. 512 KiB)
    // Connections curl keeps open for reuse, counting those in use: 0 = curl's default, which
    // grows with the transfers in progress (4x). A fixed size under the number of concurrent
    // transfers closes every connection after its transfer (1,000 streams and a limit of 64 opened
    // a new connection per answer, measured: 1,720 connect() in 8 s).
    size_t connection_cache_size = 0;
    bool use_env_proxy = false;        // honour http_proxy & co.; off so allow_address sees the real peer
    std::string user_agent = "lingxi/0.1";
  };

  HttpClient();  // default Options (a default argument cannot use Options' member initialisers here)
  explicit HttpClient(Options options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Performs the request and buffers the whole response. `done` runs exactly once.
  RequestId Fetch(HttpRequest request, std::function<void(Result<HttpResponse>)> done);
  // Performs the request and delivers the body as it arrives. on_done runs exactly once.
  RequestId Stream(HttpRequest request, StreamHandlers handlers);
  // Thread-safe; unknown or finished ids are ignored. The request's callback gets Cancelled.
  void Cancel(RequestId id);

  // Runs `fn` on the loop thread after `delay` (a timer for retries and backoff). Timers still
  // pending at destruction are dropped without running.
  TimerId RunAfter(std::chrono::milliseconds delay, std::function<void()> fn);
  void CancelTimer(TimerId id);  // unknown or fired ids are ignored

  // Requests currently owned by the loop (submitted, not yet completed). For tests and metrics.
  size_t ActiveRequests() const;
  // True when called from the loop thread (inside a callback).
  bool InLoopThread() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lingxi::net
