// Client for OpenAI-compatible chat completions (DeepSeek by default; any compatible server such
// as Ollama or vLLM): streaming over SSE, tool calls, an absolute deadline per answer, retries with
// exponential backoff + jitter (honouring Retry-After), a circuit breaker, cancellation and token
// usage accounting.
//
// Thread-safety: ChatClient is thread-safe; calls may start from any thread. Callbacks run on the
// HttpClient's loop thread and must be short. Ownership: the HttpClient and the UsageSink are not
// owned and must outlive the ChatClient; a ChatCall handle may outlive both (Cancel is then a no-op).
// Privacy: text is sent as given; mask personal data first (llm/pii.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "llm/circuit_breaker.h"
#include "net/http_client.h"

namespace lingxi::llm {

struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments;  // a JSON object as text, exactly as the model produced it
};

struct ChatMessage {
  std::string role;  // "system", "user", "assistant" or "tool"
  std::string content;
  std::vector<ToolCall> tool_calls;  // assistant turns that called tools
  std::string tool_call_id;          // tool turns: which call this answers

  static ChatMessage System(std::string text) { return {"system", std::move(text), {}, {}}; }
  static ChatMessage User(std::string text) { return {"user", std::move(text), {}, {}}; }
  static ChatMessage Assistant(std::string text, std::vector<ToolCall> calls = {}) {
    return {"assistant", std::move(text), std::move(calls), {}};
  }
  static ChatMessage Tool(std::string call_id, std::string result) {
    return {"tool", std::move(result), {}, std::move(call_id)};
  }
};

struct ToolSpec {
  std::string name;
  std::string description;
  std::string parameters_json = R"({"type":"object","properties":{}})";  // a JSON Schema object
};

struct ChatRequest {
  std::vector<ChatMessage> messages;
  std::vector<ToolSpec> tools;
  std::string tool_choice;  // "" (server default), "auto", "none", "required", or a tool name
  std::optional<double> temperature;
  std::optional<int> max_tokens;
  bool json_object = false;  // response_format {"type":"json_object"}
  std::string model;         // overrides ChatClientConfig::model when not empty
  // Opaque ids handed to the UsageSink with the usage of this answer.
  std::string account_id;
  std::string conversation_id;
};

struct Usage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t total_tokens = 0;
  std::optional<int64_t> prompt_cache_hit_tokens;  // DeepSeek, or OpenAI's cached_tokens
};

struct ChatResult {
  std::string id;  // the completion id from the server
  std::string content;
  std::vector<ToolCall> tool_calls;
  std::string finish_reason;  // "stop", "length", "tool_calls", "content_filter", ...
  Usage usage;
  bool has_usage = false;
  int attempts = 0;
  std::chrono::milliseconds first_token_latency{-1};  // from the call's start; -1 if no content
  std::chrono::milliseconds latency{0};               // from the call's start to the end
};

// Receives the token usage of every successful answer. Called on the loop thread; keep it short.
class UsageSink {
 public:
  virtual ~UsageSink() = default;
  virtual void Record(std::string_view account_id, std::string_view conversation_id, const Usage& usage) = 0;
};

struct ChatClientConfig {
  std::string base_url = "https://api.deepseek.com";  // requests go to {base_url}/chat/completions
  std::string model = "deepseek-chat";
  std::string api_key;                                 // sent as "Authorization: Bearer ..." if set
  std::chrono::milliseconds timeout{20000};            // absolute deadline per answer, retries included
  std::chrono::milliseconds connect_timeout{5000};
  int max_attempts = 3;                                // 1 = no retries
  std::chrono::milliseconds backoff_base{250};         // doubles per retry, with full jitter
  std::chrono::milliseconds backoff_max{4000};
  int breaker_failures = 5;                            // consecutive failed calls that open the circuit
  std::chrono::milliseconds breaker_cooldown{30000};   // then one probe call is let through
  size_t max_response_bytes = 4 << 20;
  net::AddressFilter allow_address;                    // e.g. refuse private ranges for user-set URLs
};

namespace internal {
struct ChatShared;
}

// Handle of one call in flight. Cancel() ends it promptly: on_done gets Cancelled, the HTTP
// request is aborted and buffers are freed. Thread-safe; idempotent; a no-op after the end.
class ChatCall {
 public:
  virtual ~ChatCall() = default;
  virtual void Cancel() = 0;
};

struct StreamCallbacks {
  std::function<void(std::string_view delta)> on_delta;  // content text as it arrives
  std::function<void(Result<ChatResult>)> on_done;       // exactly once
  // Optional, for timing: the request is about to be written (per attempt), on the HTTP loop.
  std::function<void()> on_sending;
};

class ChatClient {
 public:
  // REQUIRES: `http` (and `usage_sink` if given) outlive this client and every call it started.
  // Calls may outlive the ChatClient itself. Destroying the HttpClient ends all calls (Cancelled).
  ChatClient(ChatClientConfig config, net::HttpClient* http, UsageSink* usage_sink = nullptr);
  ~ChatClient();

  // Streams one answer. Errors (in on_done): InvalidArgument (bad request or tool schema, HTTP 400),
  // Unauthenticated (401), PermissionDenied (403), NotFound (404), ResourceExhausted (429 after
  // retries), Unavailable (5xx / network after retries, open circuit, stream cut), DeadlineExceeded,
  // Cancelled. API error bodies {"error":{"message","type","code"}} are quoted in the message.
  // No retry happens once a content delta has reached on_delta.
  std::shared_ptr<ChatCall> StreamChat(ChatRequest request, StreamCallbacks callbacks);

  // The same without streaming ("stream": false); on_delta is never called.
  std::shared_ptr<ChatCall> Chat(ChatRequest request, std::function<void(Result<ChatResult>)> done);

  // The JSON body that would be sent (for logs and tests). InvalidArgument on a bad tool schema.
  Result<std::string> BuildRequestBody(const ChatRequest& request, bool stream) const;

  const ChatClientConfig& config() const;
  bool CircuitOpen() const;  // true while calls fail fast

 private:
  std::shared_ptr<internal::ChatShared> shared_;  // outlives this client while calls are in flight
};

}  // namespace lingxi::llm
