#include "llm/chat_client.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>
#include <mutex>
#include <thread>

#include "support/mock_openai.h"

namespace lingxi::llm {
namespace {

namespace json = boost::json;
using lingxi::testing::MockOpenAiServer;
using lingxi::testing::MockRule;
using lingxi::testing::MockToolCall;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

struct RecordingSink : UsageSink {
  std::mutex mu;
  std::vector<std::tuple<std::string, std::string, Usage>> records;
  void Record(std::string_view account, std::string_view conversation, const Usage& usage) override {
    std::lock_guard l(mu);
    records.emplace_back(std::string(account), std::string(conversation), usage);
  }
};

struct Outcome {
  Result<ChatResult> result = Internal("not finished");
  std::vector<std::string> deltas;
  Clock::time_point done_at;
  milliseconds elapsed{0};
};

class ChatClientTest : public ::testing::Test {
 protected:
  void StartMock(std::vector<MockRule> rules, MockOpenAiServer::Options options = {}) {
    if (options.api_key.empty()) options.api_key = "test-key";
    mock_ = std::make_unique<MockOpenAiServer>(std::move(rules), options);
    config_.base_url = mock_->BaseUrl();
    config_.api_key = "test-key";
    config_.backoff_base = milliseconds(10);
    config_.backoff_max = milliseconds(50);
    config_.timeout = milliseconds(5000);
  }
  ChatClient& Client() {
    if (!client_) client_ = std::make_unique<ChatClient>(config_, &http_, &sink_);
    return *client_;
  }
  static ChatRequest Ask(std::string text) {
    ChatRequest r;
    r.messages = {ChatMessage::System("你是灵犀客服。"), ChatMessage::User(std::move(text))};
    r.account_id = "acct-1";
    r.conversation_id = "conv-9";
    return r;
  }
  Outcome Stream(ChatRequest request, std::shared_ptr<ChatCall>* handle = nullptr,
                 std::function<void(ChatCall&, size_t)> on_delta_hook = nullptr) {
    auto state = std::make_shared<Outcome>();
    auto mu = std::make_shared<std::mutex>();
    auto promise = std::make_shared<std::promise<void>>();
    auto call_slot = std::make_shared<std::shared_ptr<ChatCall>>();
    std::mutex slot_mu;
    StreamCallbacks cb;
    cb.on_delta = [state, mu, call_slot, on_delta_hook](std::string_view d) {
      size_t n;
      {
        std::lock_guard l(*mu);
        state->deltas.emplace_back(d);
        n = state->deltas.size();
      }
      if (on_delta_hook && *call_slot) on_delta_hook(**call_slot, n);
    };
    cb.on_done = [state, mu, promise](Result<ChatResult> r) {
      {
        std::lock_guard l(*mu);
        state->result = std::move(r);
        state->done_at = Clock::now();
      }
      promise->set_value();
    };
    auto start = Clock::now();
    auto call = Client().StreamChat(std::move(request), std::move(cb));
    *call_slot = call;
    if (handle != nullptr) *handle = call;
    auto f = promise->get_future();
    EXPECT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    std::lock_guard l(*mu);
    state->elapsed = std::chrono::duration_cast<milliseconds>(state->done_at - start);
    *call_slot = nullptr;
    return *state;
  }

  ChatClientConfig config_;
  std::unique_ptr<MockOpenAiServer> mock_;
  RecordingSink sink_;
  net::HttpClient http_;
  std::unique_ptr<ChatClient> client_;
};

std::string Joined(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& p : parts) s += p;
  return s;
}

TEST_F(ChatClientTest, StreamsContentDeltasAndRecordsUsage) {
  MockRule rule;
  rule.content = "您好！订单LX2024110001已发货, expected on Friday.";
  rule.prompt_tokens = 42;
  rule.cache_hit_tokens = 30;
  StartMock({rule});
  auto out = Stream(Ask("我的订单到哪了"));
  ASSERT_TRUE(out.result.ok()) << out.result.status().ToString();
  const auto& r = *out.result;
  EXPECT_GT(out.deltas.size(), 5u);  // it really streamed
  EXPECT_EQ(Joined(out.deltas), rule.content);
  EXPECT_EQ(r.content, rule.content);
  EXPECT_EQ(r.finish_reason, "stop");
  EXPECT_EQ(r.id, "chatcmpl-mock-1");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_GE(r.first_token_latency.count(), 0);
  ASSERT_TRUE(r.has_usage);
  EXPECT_EQ(r.usage.prompt_tokens, 42);
  EXPECT_EQ(r.usage.completion_tokens, static_cast<int64_t>(MockOpenAiServer::Tokenize(rule.content).size()));
  EXPECT_EQ(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens);
  EXPECT_EQ(r.usage.prompt_cache_hit_tokens, 30);
  std::lock_guard l(sink_.mu);
  ASSERT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(std::get<0>(sink_.records[0]), "acct-1");
  EXPECT_EQ(std::get<1>(sink_.records[0]), "conv-9");
  EXPECT_EQ(std::get<2>(sink_.records[0]).total_tokens, r.usage.total_tokens);
}

TEST_F(ChatClientTest, AssemblesToolCallsSplitAcrossChunks) {
  MockRule rule;
  rule.tool_calls = {{"call_a", "get_order", R"({"order_id":"LX2024110001","fields":["status","eta"]})"},
                     {"call_b", "get_logistics", R"({"tracking":"SF123456789CN"})"}};
  StartMock({rule});
  auto out = Stream(Ask("查一下订单"));
  ASSERT_TRUE(out.result.ok()) << out.result.status().ToString();
  const auto& r = *out.result;
  EXPECT_TRUE(out.deltas.empty());
  EXPECT_EQ(r.finish_reason, "tool_calls");
  ASSERT_EQ(r.tool_calls.size(), 2u);
  EXPECT_EQ(r.tool_calls[0].id, "call_a");
  EXPECT_EQ(r.tool_calls[0].name, "get_order");
  EXPECT_EQ(r.tool_calls[0].arguments, rule.tool_calls[0].arguments);
  EXPECT_EQ(r.tool_calls[1].id, "call_b");
  EXPECT_EQ(r.tool_calls[1].arguments, rule.tool_calls[1].arguments);
}

TEST_F(ChatClientTest, RequestBodyContainsExactlyWhatWasAsked) {
  MockRule after_tool;
  after_tool.has_tool_results = true;
  after_tool.content = "已查到";
  StartMock({after_tool});
  config_.model = "deepseek-chat";
  ChatRequest req = Ask("订单 LX2024110001 到哪了");
  req.messages.push_back(ChatMessage::Assistant("", {{"call_1", "get_order", R"({"id":"LX2024110001"})"}}));
  req.messages.push_back(ChatMessage::Tool("call_1", R"({"status":"shipped"})"));
  req.tools = {{"get_order", "Look up an order", R"({"type":"object","properties":{"id":{"type":"string"}},"required":["id"]})"}};
  req.tool_choice = "auto";
  req.temperature = 0.3;
  req.max_tokens = 256;
  req.json_object = true;
  auto out = Stream(req);
  ASSERT_TRUE(out.result.ok()) << out.result.status().ToString();
  auto requests = mock_->Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/v1/chat/completions");
  EXPECT_EQ(requests[0].authorization, "Bearer test-key");
  auto body = json::parse(requests[0].body).as_object();
  EXPECT_EQ(body.at("model").as_string(), "deepseek-chat");
  EXPECT_EQ(body.at("stream").as_bool(), true);
  EXPECT_EQ(body.at("stream_options").as_object().at("include_usage").as_bool(), true);
  EXPECT_EQ(body.at("tool_choice").as_string(), "auto");
  EXPECT_DOUBLE_EQ(body.at("temperature").as_double(), 0.3);
  EXPECT_EQ(body.at("max_tokens").as_int64(), 256);
  EXPECT_EQ(body.at("response_format").as_object().at("type").as_string(), "json_object");
  const auto& tool = body.at("tools").as_array().at(0).as_object();
  EXPECT_EQ(tool.at("type").as_string(), "function");
  EXPECT_EQ(tool.at("function").as_object().at("name").as_string(), "get_order");
  EXPECT_EQ(tool.at("function").as_object().at("parameters"),
            json::parse(R"({"type":"object","properties":{"id":{"type":"string"}},"required":["id"]})"));
  const auto& msgs = body.at("messages").as_array();
  ASSERT_EQ(msgs.size(), 4u);
  EXPECT_EQ(msgs[0].as_object().at("role").as_string(), "system");
  EXPECT_EQ(msgs[1].as_object().at("content").as_string(), "订单 LX2024110001 到哪了");
  EXPECT_TRUE(msgs[2].as_object().at("content").is_null());
  const auto& call = msgs[2].as_object().at("tool_calls").as_array().at(0).as_object();
  EXPECT_EQ(call.at("id").as_string(), "call_1");
  EXPECT_EQ(call.at("function").as_object().at("arguments").as_string(), R"({"id":"LX2024110001"})");
  EXPECT_EQ(msgs[3].as_object().at("role").as_string(), "tool");
  EXPECT_EQ(msgs[3].as_object().at("tool_call_id").as_string(), "call_1");
  // Non-streaming requests carry no stream_options.
  auto plain = Client().BuildRequestBody(Ask("hi"), false);
  ASSERT_TRUE(plain.ok());
  auto pb = json::parse(*plain).as_object();
  EXPECT_FALSE(pb.at("stream").as_bool());
  EXPECT_FALSE(pb.contains("stream_options"));
  EXPECT_FALSE(pb.contains("tools"));
}

TEST_F(ChatClientTest, BadToolSchemaIsInvalidArgumentWithoutARequest) {
  StartMock({MockRule{.content = "x"}});
  ChatRequest req = Ask("hi");
  req.tools = {{"bad tool", "", "{}"}};
  auto out = Stream(req);
  EXPECT_EQ(out.result.status().code(), StatusCode::kInvalidArgument);
  req.tools = {{"ok_tool", "", "[1,2]"}};
  out = Stream(req);
  EXPECT_EQ(out.result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(mock_->ChatRequestCount(), 0);
}

TEST_F(ChatClientTest, RetriesOn429HonouringRetryAfter) {
  MockRule limited{.times = 1, .status = 429, .error_message = "Rate limit reached", .error_type = "rate_limit_error",
                   .retry_after_s = 1};
  StartMock({limited, MockRule{.content = "好的"}});
  auto out = Stream(Ask("hi"));
  ASSERT_TRUE(out.result.ok()) << out.result.status().ToString();
  EXPECT_EQ(out.result->attempts, 2);
  EXPECT_EQ(mock_->ChatRequestCount(), 2);
  EXPECT_GE(out.elapsed.count(), 1000);  // waited as told, not the 10 ms backoff
  EXPECT_LT(out.elapsed.count(), 2500);
}

TEST_F(ChatClientTest, RetriesOn500And503ThenSucceeds) {
  StartMock({MockRule{.times = 1, .status = 500, .error_message = "boom"},
             MockRule{.times = 1, .status = 503, .error_message = "busy"}, MockRule{.content = "ok"}});
  auto out = Stream(Ask("hi"));
  ASSERT_TRUE(out.result.ok()) << out.result.status().ToString();
  EXPECT_EQ(out.result->attempts, 3);
  EXPECT_EQ(out.result->content, "ok");
}

TEST_F(ChatClientTest, GivesUpAfterMaxAttempts) {
  StartMock({MockRule{.status = 502, .error_message = "bad gateway"}});
  config_.max_attempts = 2;
  auto out = Stream(Ask("hi"));
  EXPECT_EQ(out.result.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(out.result.status().message().find("bad gateway"), std::string::npos);
  EXPECT_EQ(mock_->ChatRequestCount(), 2);
}

TEST_F(ChatClientTest, DoesNotRetry400Or401AndSurfacesTheApiError) {
  StartMock({MockRule{.user_contains = "bad", .status = 400,
                      .error_message = "Invalid 'tools[0].function.parameters': not a schema",
                      .error_type = "invalid_request_error", .error_code = "invalid_schema"},
             MockRule{.content = "unreachable"}});
  auto out = Stream(Ask("bad request"));
  EXPECT_EQ(out.result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(out.result.status().message().find("not a schema"), std::string::npos) << out.result.status().message();
  EXPECT_NE(out.result.status().message().find("invalid_schema"), std::string::npos);
  EXPECT_EQ(mock_->ChatRequestCount(), 1);

  config_.api_key = "wrong-key";
  client_.reset();
  auto unauth = Stream(Ask("hi"));
  EXPECT_EQ(unauth.result.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(unauth.result.status().message().find("Authentication Fails"), std::string::npos);
  EXPECT_EQ(mock_->ChatRequestCount(), 2);
}

TEST_F(ChatClientTest, KeepAliveCommentsDoNotDefeatTheAbsoluteDeadline) {
  StartMock({MockRule{.content = "late", .first_token_delay_ms = 60000, .keepalive_ms = 100}});
  config_.timeout = milliseconds(1000);
  auto out = Stream(Ask("hi"));
  EXPECT_EQ(out.result.status().code(), StatusCode::kDeadlineExceeded) << out.result.status().ToString();
  EXPECT_GE(out.elapsed.count(), 950);
  EXPECT_LE(out.elapsed.count(), 1300);
}

TEST_F(ChatClientTest, HangingStreamAfterContentEndsAtTheDeadline) {
  StartMock({MockRule{.content = "一二三四五", .keepalive_ms = 50, .hang = true}});
  config_.timeout = milliseconds(800);
  auto out = Stream(Ask("hi"));
  EXPECT_EQ(out.result.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(out.deltas.size(), 1u);
  EXPECT_LE(out.elapsed.count(), 1100);
  EXPECT_EQ(mock_->ChatRequestCount(), 1);  // no retry after content was delivered
}

TEST_F(ChatClientTest, SlowFirstTokenWithinTheDeadlineIsFine) {
  StartMock({MockRule{.content = "慢慢来", .first_token_delay_ms = 800, .keepalive_ms = 100}});
  config_.timeout = milliseconds(3000);
  auto out = Stream(Ask("hi"));
  ASSERT_TRUE(out.result.ok()) << out.result.status().ToString();
  EXPECT_GE(out.result->first_token_latency.count(), 800);
  EXPECT_EQ(out.result->content, "慢慢来");
}

TEST_F(ChatClientTest, DroppedConnectionAfterContentFailsWithoutRetry) {
  StartMock({MockRule{.content = "one two three four five six", .drop_after_tokens = 3}});
  auto out = Stream(Ask("hi"));
  EXPECT_EQ(out.result.status().code(), StatusCode::kUnavailable) << out.result.status().ToString();
  EXPECT_EQ(Joined(out.deltas), "one two three");
  EXPECT_EQ(mock_->ChatRequestCount(), 1);
}

TEST_F(ChatClientTest, DroppedConnectionBeforeContentIsRetried) {
  StartMock({MockRule{.times = 1, .content = "x y", .drop_after_tokens = 0}, MockRule{.content = "recovered"}});
  auto out = Stream(Ask("hi"));
  ASSERT_TRUE(out.result.ok()) << out.result.status().ToString();
  EXPECT_EQ(out.result->attempts, 2);
  EXPECT_EQ(Joined(out.deltas), "recovered");
}

TEST_F(ChatClientTest, RetryAfterBeyondTheDeadlineFailsAtOnce) {
  StartMock({MockRule{.status = 503, .error_message = "overloaded", .retry_after_s = 30}});
  config_.timeout = milliseconds(2000);
  auto out = Stream(Ask("hi"));
  EXPECT_EQ(out.result.status().code(), StatusCode::kUnavailable);
  EXPECT_LT(out.elapsed.count(), 500);
  EXPECT_EQ(mock_->ChatRequestCount(), 1);
}

TEST_F(ChatClientTest, CircuitOpensAfterConsecutiveFailuresAndRecovers) {
  StartMock({MockRule{.times = 3, .status = 503, .error_message = "down"}, MockRule{.content = "back"}});
  config_.max_attempts = 1;
  config_.breaker_failures = 3;
  config_.breaker_cooldown = milliseconds(300);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Stream(Ask("hi")).result.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Client().CircuitOpen());
  auto fast = Stream(Ask("hi"));
  EXPECT_EQ(fast.result.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(fast.result.status().message().find("circuit"), std::string::npos);
  EXPECT_LT(fast.elapsed.count(), 50);
  EXPECT_EQ(mock_->ChatRequestCount(), 3);  // failed fast: nothing sent
  std::this_thread::sleep_for(milliseconds(350));  // the cool-down is the behaviour under test
  auto probe = Stream(Ask("hi"));
  ASSERT_TRUE(probe.result.ok()) << probe.result.status().ToString();
  EXPECT_FALSE(Client().CircuitOpen());
  EXPECT_EQ(mock_->ChatRequestCount(), 4);
}

TEST_F(ChatClientTest, CancellationFreesTheCallWithin100ms) {
  StartMock({MockRule{.content = "streaming forever", .keepalive_ms = 20, .hang = true}});
  Clock::time_point cancel_at;
  std::mutex mu;
  auto hook = [&](ChatCall& call, size_t n) {
    if (n == 1) {
      std::lock_guard l(mu);
      cancel_at = Clock::now();
      call.Cancel();
    }
  };
  auto out = Stream(Ask("hi"), nullptr, hook);
  EXPECT_EQ(out.result.status().code(), StatusCode::kCancelled);
  std::lock_guard l(mu);
  EXPECT_LT(std::chrono::duration_cast<milliseconds>(out.done_at - cancel_at).count(), 100);
  auto deadline = Clock::now() + milliseconds(100);
  while (http_.ActiveRequests() != 0 && Clock::now() < deadline) std::this_thread::yield();
  EXPECT_EQ(http_.ActiveRequests(), 0u);
}

TEST_F(ChatClientTest, CancelFromAnotherThreadWhileWaitingForFirstToken) {
  StartMock({MockRule{.content = "never", .first_token_delay_ms = 10000, .keepalive_ms = 50}});
  std::promise<Result<ChatResult>> done;
  StreamCallbacks cb;
  cb.on_done = [&](Result<ChatResult> r) { done.set_value(std::move(r)); };
  auto call = Client().StreamChat(Ask("hi"), std::move(cb));
  std::this_thread::sleep_for(milliseconds(200));  // let the request reach the server
  auto start = Clock::now();
  call->Cancel();
  auto f = done.get_future();
  ASSERT_EQ(f.wait_for(milliseconds(100)), std::future_status::ready);
  EXPECT_EQ(f.get().status().code(), StatusCode::kCancelled);
  EXPECT_LT(std::chrono::duration_cast<milliseconds>(Clock::now() - start).count(), 100);
  call->Cancel();  // idempotent
}

TEST_F(ChatClientTest, NonStreamingChat) {
  MockRule rule;
  rule.content = "Your order ships tomorrow.";
  rule.tool_calls = {{"call_x", "notify", R"({"channel":"email"})"}};
  rule.finish_reason = "tool_calls";
  StartMock({rule});
  std::promise<Result<ChatResult>> done;
  auto call = Client().Chat(Ask("when?"), [&](Result<ChatResult> r) { done.set_value(std::move(r)); });
  auto f = done.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  auto r = f.get();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->content, rule.content);
  ASSERT_EQ(r->tool_calls.size(), 1u);
  EXPECT_EQ(r->tool_calls[0].arguments, R"({"channel":"email"})");
  EXPECT_TRUE(r->has_usage);
  auto body = json::parse(mock_->Requests().at(0).body).as_object();
  EXPECT_FALSE(body.at("stream").as_bool());
}

TEST_F(ChatClientTest, TrailingSlashInBaseUrlAndConnectionErrors) {
  StartMock({MockRule{.content = "ok"}});
  config_.base_url = mock_->BaseUrl() + "/";
  auto out = Stream(Ask("hi"));
  ASSERT_TRUE(out.result.ok()) << out.result.status().ToString();
  EXPECT_EQ(mock_->Requests().at(0).target, "/v1/chat/completions");

  config_.base_url = "http://127.0.0.1:1/v1";
  config_.max_attempts = 2;
  client_.reset();
  auto refused = Stream(Ask("hi"));
  EXPECT_EQ(refused.result.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(refused.result.status().message().find("attempts: 2"), std::string::npos)
      << refused.result.status().message();
}

}  // namespace
}  // namespace lingxi::llm
