#include "llm/chat_client.h"

#include <atomic>
#include <random>

#include "core/metrics.h"
#include "llm/internal/chat_wire.h"
#include "llm/sse_parser.h"

namespace lingxi::llm {
namespace internal {

struct ChatShared {
  ChatClientConfig config;
  std::string endpoint;
  net::HttpClient* http;
  UsageSink* usage_sink;
  CircuitBreaker breaker;

  ChatShared(ChatClientConfig c, net::HttpClient* h, UsageSink* sink)
      : config(std::move(c)), http(h), usage_sink(sink), breaker(config.breaker_failures, config.breaker_cooldown) {
    std::string base = config.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    endpoint = base + "/chat/completions";
  }
};

}  // namespace internal

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::chrono::milliseconds Since(Clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - t);
}

// /metrics: calls by outcome and the model's time to first token (as this client saw it).
struct LlmMetrics {
  Counter* ok;
  Counter* failed;
  Counter* cancelled;
  Counter* circuit_open;
  Histogram* first_token;
  static const LlmMetrics& Get() {
    static const LlmMetrics m = [] {
      auto& r = MetricsRegistry::Global();
      const std::string n = "lingxi_llm_requests_total", h = "LLM chat calls by outcome (after retries)";
      return LlmMetrics{r.GetCounter(n, h, "outcome=\"ok\""), r.GetCounter(n, h, "outcome=\"error\""),
                        r.GetCounter(n, h, "outcome=\"cancelled\""), r.GetCounter(n, h, "outcome=\"circuit_open\""),
                        r.GetHistogram("lingxi_llm_first_token_seconds",
                                       "Time from the call to the first content token, streamed calls that got one")};
    }();
    return m;
  }
};

// Retry-After in delta-seconds (an HTTP date is ignored: backoff applies).
std::optional<milliseconds> ParseRetryAfter(const std::string& value) {
  if (value.empty()) return std::nullopt;
  char* end = nullptr;
  double seconds = std::strtod(value.c_str(), &end);
  if (end == value.c_str() || seconds < 0 || seconds > 86400) return std::nullopt;
  return milliseconds(static_cast<int64_t>(seconds * 1000));
}

// Runs a loop-thread task; if the HttpClient drops it unrun (shutdown), `on_drop` runs instead.
class LoopTask {
 public:
  LoopTask(std::function<void()> run, std::function<void()> on_drop)
      : run_(std::move(run)), on_drop_(std::move(on_drop)) {}
  ~LoopTask() {
    if (!ran_ && on_drop_) on_drop_();
  }
  void Run() {
    ran_ = true;
    run_();
  }

 private:
  std::function<void()> run_;
  std::function<void()> on_drop_;
  bool ran_ = false;
};

// One call: everything below runs on the HttpClient's loop thread, except Cancel().
class ChatCallImpl : public ChatCall, public std::enable_shared_from_this<ChatCallImpl> {
 public:
  ChatCallImpl(std::shared_ptr<internal::ChatShared> shared, ChatRequest request, bool stream,
               StreamCallbacks callbacks)
      : shared_(std::move(shared)),
        account_id_(std::move(request.account_id)),
        conversation_id_(std::move(request.conversation_id)),
        stream_(stream),
        callbacks_(std::move(callbacks)),
        start_(Clock::now()),
        deadline_at_(start_ + shared_->config.timeout) {
    auto body = internal::BuildChatBody(request, shared_->config.model, stream);
    if (body.ok()) {
      body_ = std::move(body).value();
    } else {
      early_error_ = body.status();
    }
  }

  void Start() {
    Post(milliseconds(0), [self = shared_from_this()] { self->Begin(); });
  }

  void Cancel() override {
    if (finished_.load()) return;
    Post(milliseconds(0), [self = shared_from_this()] { self->Fail(Cancelled("LLM call cancelled")); });
  }

 private:
  net::TimerId Post(milliseconds delay, std::function<void()> fn) {
    std::weak_ptr<ChatCallImpl> weak = weak_from_this();
    auto on_drop = [weak] {
      if (auto self = weak.lock()) self->Fail(Cancelled("HTTP client shut down"));
    };
    auto task = std::make_shared<LoopTask>(std::move(fn), std::move(on_drop));
    auto run = [task] { task->Run(); };
    return shared_->http->RunAfter(delay, std::move(run));
  }

  void Begin() {
    if (done_) return;
    if (!early_error_.ok()) return Fail(early_error_);
    Status admitted = shared_->breaker.Admit(&is_probe_);
    if (!admitted.ok()) {
      circuit_rejected_ = true;
      return Fail(admitted);
    }
    admitted_ = true;
    StartAttempt();
  }

  void StartAttempt() {
    timer_ = 0;
    if (done_) return;
    auto remaining = std::chrono::duration_cast<milliseconds>(deadline_at_ - Clock::now());
    if (remaining.count() <= 0) return Fail(DeadlineExceeded("LLM answer deadline exceeded before attempt"));
    ++attempts_;
    acc_ = internal::StreamAccumulator{};
    sse_ = SseParser();
    http_status_ = 0;
    raw_.clear();
    is_sse_ = false;
    retry_after_.reset();
    attempt_error_ = Status::Ok();

    net::HttpRequest req;
    req.method = "POST";
    req.url = shared_->endpoint;
    req.headers = {{"Content-Type", "application/json"},
                   {"Accept", stream_ ? "text/event-stream" : "application/json"}};
    if (!shared_->config.api_key.empty()) req.headers.emplace_back("Authorization", "Bearer " + shared_->config.api_key);
    req.body = body_;
    req.connect_timeout = std::min(shared_->config.connect_timeout, remaining);
    req.deadline = remaining;
    req.max_response_bytes = shared_->config.max_response_bytes;
    req.allow_address = shared_->config.allow_address;
    if (callbacks_.on_sending) req.on_sending = callbacks_.on_sending;
    int attempt = attempts_;
    auto self = shared_from_this();
    if (stream_) {
      net::StreamHandlers h;
      h.on_headers = [self, attempt](int status, const net::Headers& headers) {
        if (attempt == self->attempts_) self->OnHeaders(status, headers);
      };
      h.on_data = [self, attempt](std::string_view chunk) {
        return attempt == self->attempts_ && self->OnData(chunk);
      };
      h.on_done = [self, attempt](Status s) {
        if (attempt == self->attempts_) self->OnStreamDone(std::move(s));
      };
      request_id_ = shared_->http->Stream(std::move(req), std::move(h));
    } else {
      auto done = [self, attempt](Result<net::HttpResponse> r) {
        if (attempt == self->attempts_) self->OnFetchDone(std::move(r));
      };
      request_id_ = shared_->http->Fetch(std::move(req), std::move(done));
    }
  }

  void OnHeaders(int status, const net::Headers& headers) {
    http_status_ = status;
    is_sse_ = net::FindHeader(headers, "Content-Type").find("text/event-stream") != std::string::npos;
    retry_after_ = ParseRetryAfter(net::FindHeader(headers, "Retry-After"));
  }

  bool OnData(std::string_view chunk) {
    if (done_) return false;
    if (http_status_ != 200 || !is_sse_) {
      if (raw_.size() + chunk.size() > shared_->config.max_response_bytes) {
        attempt_error_ = ResourceExhausted("LLM response too large");
        return false;
      }
      raw_.append(chunk);
      return true;
    }
    auto on_event = [this](const SseEvent& ev) { return OnEvent(ev); };
    Status s = sse_.Feed(chunk, on_event);
    if (!s.ok()) {
      if (attempt_error_.ok()) attempt_error_ = s;
      return false;
    }
    return !done_;
  }

  bool OnEvent(const SseEvent& ev) {
    if (ev.IsDone()) {
      acc_.saw_done = true;
      return true;
    }
    internal::ChunkEffect effect = internal::ApplyChunk(ev.data, acc_);
    if (!effect.error.ok()) {
      attempt_error_ = effect.error;
      return false;
    }
    if (!effect.content_delta.empty()) {
      if (!delivered_content_) {
        delivered_content_ = true;
        first_token_latency_ = Since(start_);
      }
      if (callbacks_.on_delta) callbacks_.on_delta(effect.content_delta);
      if (done_) return false;  // the caller cancelled from inside on_delta
    }
    return true;
  }

  void OnStreamDone(Status s) {
    request_id_ = 0;
    if (done_) return;
    if (!attempt_error_.ok()) return Conclude(attempt_error_, false);
    if (!s.ok()) return Conclude(s, s.code() == StatusCode::kUnavailable);
    if (http_status_ != 200) return Conclude(internal::ApiError(http_status_, raw_), internal::IsRetryableHttpStatus(http_status_));
    if (!is_sse_) return ConcludeWhole(raw_);  // a server that ignored "stream": true
    if (!acc_.saw_done && acc_.result.finish_reason.empty()) {
      return Conclude(Unavailable("LLM stream ended before its end marker"), true);
    }
    ChatResult result = std::move(acc_.result);
    Succeed(std::move(result));
  }

  void OnFetchDone(Result<net::HttpResponse> r) {
    request_id_ = 0;
    if (done_) return;
    if (!r.ok()) return Conclude(r.status(), r.status().code() == StatusCode::kUnavailable);
    retry_after_ = ParseRetryAfter(r->Header("Retry-After"));
    if (r->status != 200) return Conclude(internal::ApiError(r->status, r->body), internal::IsRetryableHttpStatus(r->status));
    ConcludeWhole(r->body);
  }

  void ConcludeWhole(std::string_view body) {
    auto parsed = internal::ParseCompletion(body);
    if (!parsed.ok()) return Conclude(parsed.status(), false);
    ChatResult result = std::move(parsed).value();
    if (!result.content.empty() && callbacks_.on_delta && stream_) {
      delivered_content_ = true;
      first_token_latency_ = Since(start_);
      callbacks_.on_delta(result.content);
      if (done_) return;
    }
    Succeed(std::move(result));
  }

  // An attempt failed: retry if allowed and there is time, else fail the call.
  void Conclude(Status error, bool retryable) {
    const auto& cfg = shared_->config;
    if (!retryable || delivered_content_ || attempts_ >= cfg.max_attempts) return Fail(std::move(error));
    milliseconds delay;
    if (retry_after_) {
      delay = *retry_after_;
    } else {
      auto exp = cfg.backoff_base * (1LL << std::min(attempts_ - 1, 20));
      auto capped = std::min<milliseconds>(exp, cfg.backoff_max);
      thread_local std::mt19937_64 rng{std::random_device{}()};
      std::uniform_int_distribution<int64_t> jitter(capped.count() / 2, std::max<int64_t>(capped.count(), 1));
      delay = milliseconds(jitter(rng));
    }
    if (Clock::now() + delay >= deadline_at_) {
      return Fail(Status(error.code(), error.message() + " (no time left to retry within the deadline)"));
    }
    auto self = shared_from_this();
    timer_ = Post(delay, [self] { self->StartAttempt(); });
  }

  void Succeed(ChatResult result) {
    result.attempts = attempts_;
    result.first_token_latency = first_token_latency_;
    result.latency = Since(start_);
    if (result.has_usage && shared_->usage_sink != nullptr) {
      shared_->usage_sink->Record(account_id_, conversation_id_, result.usage);
    }
    Finish(std::move(result));
  }

  void Fail(Status s) { Finish(std::move(s)); }

  void Finish(Result<ChatResult> outcome) {
    if (done_) return;
    done_ = true;
    finished_.store(true);
    const LlmMetrics& metrics = LlmMetrics::Get();
    if (outcome.ok()) {
      metrics.ok->Inc();
    } else if (circuit_rejected_) {
      metrics.circuit_open->Inc();
    } else if (outcome.status().code() == StatusCode::kCancelled) {
      metrics.cancelled->Inc();
    } else {
      metrics.failed->Inc();
    }
    if (stream_ && first_token_latency_.count() >= 0) metrics.first_token->ObserveMicros(first_token_latency_.count() * 1000);
    if (admitted_) {
      using O = CircuitBreaker::Outcome;
      O o = O::kSuccess;
      if (!outcome.ok()) {
        switch (outcome.status().code()) {
          case StatusCode::kCancelled:
            o = O::kAbandoned;
            break;
          case StatusCode::kUnavailable:
          case StatusCode::kDeadlineExceeded:
          case StatusCode::kResourceExhausted:
          case StatusCode::kInternal:
            o = O::kFailure;
            break;
          default:  // the provider answered: it is up, the request was at fault
            o = O::kSuccess;
        }
      }
      shared_->breaker.Record(o, is_probe_);
    }
    if (request_id_ != 0) shared_->http->Cancel(request_id_);
    if (timer_ != 0) shared_->http->CancelTimer(timer_);
    request_id_ = 0;
    timer_ = 0;
    auto done = std::move(callbacks_.on_done);
    callbacks_ = {};
    body_.clear();
    body_.shrink_to_fit();
    raw_ = {};
    acc_ = {};
    if (!outcome.ok() && attempts_ > 0 && !circuit_rejected_) {
      const auto& st = outcome.status();
      outcome = Status(st.code(), st.message() + " [attempts: " + std::to_string(attempts_) + "]");
    }
    if (done) done(std::move(outcome));
  }

  std::shared_ptr<internal::ChatShared> shared_;
  std::string account_id_;
  std::string conversation_id_;
  const bool stream_;
  StreamCallbacks callbacks_;
  const Clock::time_point start_;
  const Clock::time_point deadline_at_;
  std::string body_;
  Status early_error_;
  std::atomic<bool> finished_{false};

  bool done_ = false;
  bool admitted_ = false;
  bool is_probe_ = false;
  bool circuit_rejected_ = false;
  bool delivered_content_ = false;
  milliseconds first_token_latency_{-1};
  int attempts_ = 0;
  net::RequestId request_id_ = 0;
  net::TimerId timer_ = 0;

  // Per attempt.
  int http_status_ = 0;
  bool is_sse_ = false;
  std::optional<milliseconds> retry_after_;
  std::string raw_;
  SseParser sse_;
  internal::StreamAccumulator acc_;
  Status attempt_error_;
};

}  // namespace

ChatClient::ChatClient(ChatClientConfig config, net::HttpClient* http, UsageSink* usage_sink)
    : shared_(std::make_shared<internal::ChatShared>(std::move(config), http, usage_sink)) {}

ChatClient::~ChatClient() = default;

std::shared_ptr<ChatCall> ChatClient::StreamChat(ChatRequest request, StreamCallbacks callbacks) {
  auto call = std::make_shared<ChatCallImpl>(shared_, std::move(request), true, std::move(callbacks));
  call->Start();
  return call;
}

std::shared_ptr<ChatCall> ChatClient::Chat(ChatRequest request, std::function<void(Result<ChatResult>)> done) {
  StreamCallbacks callbacks;
  callbacks.on_done = std::move(done);
  auto call = std::make_shared<ChatCallImpl>(shared_, std::move(request), false, std::move(callbacks));
  call->Start();
  return call;
}

Result<std::string> ChatClient::BuildRequestBody(const ChatRequest& request, bool stream) const {
  return internal::BuildChatBody(request, shared_->config.model, stream);
}

const ChatClientConfig& ChatClient::config() const { return shared_->config; }
bool ChatClient::CircuitOpen() const { return shared_->breaker.IsOpen(); }

}  // namespace lingxi::llm
