// A mock OpenAI-compatible chat-completions server for tests, benchmarks and black-box runs
// (`lingxi_mock_openai --port P --script FILE.json`). Built on TestHttpServer (Beast, coroutines).
//
// Endpoints: POST /v1/chat/completions and /chat/completions (streamed or not, as the request
// asks), GET /_mock/requests (every request received, bodies parsed as JSON), POST /_mock/reset.
//
// A script is a JSON list of rules (or {"rules": [...]}); the first rule that matches answers.
// Match fields (all optional): "user_contains" (substring of the last user message),
// "has_tool_results" (the last message has role "tool"), "request_min"/"request_max" (1-based
// number of the chat request), "times" (the rule answers at most that many requests).
// Response fields: "content", "tool_calls" [{"id","name","arguments"}], "finish_reason",
// "status" + "error" {"message","type","code"} + "retry_after" (seconds), "first_token_delay_ms",
// "keepalive_ms" (": keep-alive" comments during the delay), "tokens_per_second", "drop_after_tokens"
// (cut the connection mid-stream), "hang" (keep-alive comments forever after the first delta),
// "prompt_tokens", "cache_hit_tokens".
// Thread-safety: all methods are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "support/test_http_server.h"

namespace lingxi::testing {

struct MockToolCall {
  std::string id;
  std::string name;
  std::string arguments;
};

struct MockRule {
  // Match.
  std::string user_contains;
  std::optional<bool> has_tool_results;
  int request_min = 0;  // 0 = no bound
  int request_max = 0;
  int times = 0;        // 0 = unlimited
  // Response.
  int status = 200;
  std::string error_message, error_type, error_code;
  int retry_after_s = -1;
  std::string content;
  std::vector<MockToolCall> tool_calls;
  std::string finish_reason;  // default: "tool_calls" when there are tool calls, else "stop"
  int first_token_delay_ms = 0;
  int keepalive_ms = 0;
  double tokens_per_second = 0;  // 0 = as fast as possible
  int drop_after_tokens = -1;
  bool hang = false;
  int prompt_tokens = 0;  // 0 = estimated from the request
  int cache_hit_tokens = -1;
  // First token becomes "[t:<send time µs>,r:<request received µs>]" (steady clock; see kSendTimeMarker).
  bool stamp_first_token = false;
};

struct RecordedRequest {
  std::string method;
  std::string target;
  std::string authorization;
  std::string body;
};

class MockOpenAiServer {
 public:
  struct Options {
    std::string address = "127.0.0.1";
    uint16_t port = 0;
    int threads = 1;
    std::string api_key;  // if set, requests without "Bearer <api_key>" get 401
    bool record_bodies = true;
  };

  MockOpenAiServer(std::vector<MockRule> rules, Options options);
  explicit MockOpenAiServer(std::vector<MockRule> rules) : MockOpenAiServer(std::move(rules), Options{}) {}
  ~MockOpenAiServer();

  // Parses a script (see above). Throws std::runtime_error with the reason on a bad script.
  static std::vector<MockRule> ParseScript(const std::string& json_text);

  uint16_t port() const;
  std::string BaseUrl() const;  // "http://127.0.0.1:<port>/v1"
  std::vector<RecordedRequest> Requests() const;
  int ChatRequestCount() const;
  void SetRules(std::vector<MockRule> rules);
  void Reset();  // forget recorded requests and rule usage counts

  // Splits text the way the mock streams it: an ASCII word with its leading spaces, or one
  // non-ASCII character (so Chinese streams one character per token).
  static std::vector<std::string> Tokenize(const std::string& text);

 private:
  Reply Handle(const ReceivedRequest& request);
  Reply HandleChat(const ReceivedRequest& request);

  Options options_;
  mutable std::mutex mu_;
  std::vector<MockRule> rules_;
  std::vector<int> used_;
  std::vector<RecordedRequest> requests_;
  int chat_requests_ = 0;
  std::unique_ptr<TestHttpServer> server_;
};

}  // namespace lingxi::testing
