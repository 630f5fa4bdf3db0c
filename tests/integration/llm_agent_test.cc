// The AI agent against a scripted OpenAI-compatible mock (in-process MockOpenAiServer): streamed,
// grounded answers over WebSocket, PII masking of what leaves the server, fallback to the
// embedded engine when the LLM fails or stalls, tool calls made by the model (the customer id
// is always the conversation's, never the model's), and token usage accounting.
#include <algorithm>
#include <cctype>

#include "harness.h"
#include "support/mock_openai.h"

namespace lingxi::it {
namespace {

using lingxi::testing::MockOpenAiServer;
using lingxi::testing::MockRule;

constexpr const char* kModel = "mock-model-7";
constexpr int kTimeoutSeconds = 3;
constexpr const char* kCustomer = "cust-1003";  // 李雷: owns LX20240005, LX20240008, LX20240011

std::string NoSpace(const std::string& s) {
  std::string out;
  for (unsigned char c : s)
    if (!std::isspace(c)) out += static_cast<char>(c);
  return out;
}

json::value ParseJson(const std::string& s) {
  boost::system::error_code ec;
  json::value v = json::parse(s, ec);
  return ec ? json::value() : v;
}

class LlmAgent : public SharedServerTest {
 protected:
  static void SetUpTestSuite() {
    MockOpenAiServer::Options o;
    o.api_key = "sk-lingxi-test";
    o.threads = 2;
    mock_ = new MockOpenAiServer({}, o);
    StartShared({{"LINGXI_LLM_API_KEY", "sk-lingxi-test"},
                 {"LINGXI_LLM_BASE_URL", mock_->BaseUrl()},
                 {"LINGXI_LLM_MODEL", kModel},
                 {"LINGXI_LLM_TIMEOUT", std::to_string(kTimeoutSeconds)}});
  }
  static void TearDownTestSuite() {
    StopShared();
    delete mock_;
    mock_ = nullptr;
  }
  void SetUp() override { mock_->Reset(); }

  static void Script(const std::string& json_text) { mock_->SetRules(MockOpenAiServer::ParseScript(json_text)); }

  // Chat requests the mock received, bodies parsed.
  static std::vector<json::value> ChatRequests() {
    std::vector<json::value> out;
    for (const auto& r : mock_->Requests())
      if (r.target.find("chat/completions") != std::string::npos) out.push_back(ParseJson(r.body));
    return out;
  }
  static std::string AllBodies() {
    std::string all;
    for (const auto& r : mock_->Requests()) all += r.body + "\n";
    return all;
  }

  static WidgetSession StartAs(const std::string& external_id) { return StartAsCustomer(port(), external_id, "Li Lei"); }

  // Customer turn over HTTP; returns when the (asynchronous) reply is committed.
  static HttpResult Say(const WidgetSession& s, const std::string& text, std::chrono::milliseconds timeout = 20s) {
    return Http(port(), "POST", WidgetPath(s.conversation_id, "/messages"), json::serialize(json::object{{"content", text}}),
                s.token, timeout);
  }

  // A customer turn the embedded engine answered because the model failed or stalled: timed,
  // exactly one non-empty bot reply, marked as a fallback. Returns that reply.
  static json::value SayExpectingFallback(const WidgetSession& s, const std::string& text) {
    const auto t0 = Clock::now();
    auto r = Say(s, text);
    const auto elapsed = Clock::now() - t0;
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_LE(elapsed, std::chrono::seconds(kTimeoutSeconds + 2))
        << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms";
    EXPECT_EQ(Len(At(r.json, "replies")), 1u) << r.body;
    const json::value reply = At(At(r.json, "replies"), 0);
    EXPECT_EQ(Str(At(reply, "sender_type")), "bot") << r.body;
    EXPECT_FALSE(Str(At(reply, "content")).empty()) << r.body;
    const auto& fb = At(At(reply, "meta"), "fallback");
    EXPECT_TRUE(fb.is_bool() && fb.as_bool()) << r.body;
    return reply;
  }

  static json::value Trace(const std::string& admin, int64_t message_id) {
    auto r = Http(port(), "GET", "/api/v1/messages/" + std::to_string(message_id) + "/trace", "", admin);
    EXPECT_EQ(r.status, 200) << r.body;
    return At(r.json, "trace");
  }

  static inline MockOpenAiServer* mock_ = nullptr;
};

const json::value* FindMessage(const json::value& request, const std::string& role, const std::string& contains) {
  const auto& msgs = At(request, "messages");
  if (!msgs.is_array()) return nullptr;
  for (const auto& m : msgs.as_array())
    if (Str(At(m, "role")) == role && Str(At(m, "content")).find(contains) != std::string::npos) return &m;
  return nullptr;
}

const json::value* FindTool(const json::value& request, const std::string& name) {
  const auto& tools = At(request, "tools");
  if (!tools.is_array()) return nullptr;
  for (const auto& t : tools.as_array())
    if (Str(At(At(t, "function"), "name")) == name) return &t;
  return nullptr;
}

constexpr const char* kPaymentQuestion = "Which payment methods do you accept?";

TEST_F(LlmAgent, GroundedAnswerStreamsDeltasOverWebSocket) {
  Script(R"([{"content": "We accept Alipay, WeChat Pay, UnionPay and major credit cards [1]. Payment is taken when the order is placed.",
              "tokens_per_second": 40, "prompt_tokens": 321}])");
  auto s = StartAs(kCustomer);
  WsClient ws(port(), "/api/v1/widget/ws?token=" + s.token);
  ASSERT_TRUE(ws.WaitForType("hello"));
  ASSERT_TRUE(ws.Send(json::object{{"type", "message"}, {"content", kPaymentQuestion}, {"client_id", "q-1"}}));

  // Collect frames in arrival order until the bot's message.
  std::vector<std::string> deltas;
  std::optional<json::value> final_msg;
  const auto deadline = Clock::now() + 15s;
  while (!final_msg && Clock::now() < deadline) {
    auto f = ws.WaitFor(
        [&](const json::value& v) {
          const std::string type = Str(At(v, "type"));
          if (type == "delta") return true;
          return type == "message" && Str(At(At(v, "message"), "sender_type")) == "bot";
        },
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    if (!f) break;
    if (Str(At(*f, "type")) == "delta") {
      EXPECT_EQ(Int(At(*f, "conversation_id")), s.conversation_id);
      deltas.push_back(Str(At(*f, "text")));
    } else {
      final_msg = *f;
    }
  }
  ASSERT_TRUE(final_msg) << "no bot message within 15 s; " << deltas.size() << " deltas; log:\n"
                         << server().LogTail();
  EXPECT_GE(deltas.size(), 2u) << "the answer did not stream before the final message";
  const auto& msg = At(*final_msg, "message");
  std::string joined;
  for (const auto& d : deltas) joined += d;
  const std::string content = Str(At(msg, "content"));
  EXPECT_EQ(NoSpace(content), NoSpace(joined)) << "final content differs from the streamed deltas";
  EXPECT_NE(content.find("Alipay"), std::string::npos) << content;
  const auto& meta = At(msg, "meta");
  EXPECT_TRUE(At(meta, "llm").is_object()) << json::serialize(meta);
  EXPECT_EQ(Str(At(At(meta, "llm"), "model")), kModel) << json::serialize(meta);
  EXPECT_GT(Len(At(meta, "sources")), 0u) << "no knowledge sources on a grounded answer: " << json::serialize(meta);
  EXPECT_FALSE(At(meta, "fallback").is_bool() && At(meta, "fallback").as_bool()) << json::serialize(meta);

  // What the model was sent.
  auto reqs = ChatRequests();
  ASSERT_EQ(reqs.size(), 1u) << AllBodies();
  const auto& req = reqs[0];
  EXPECT_EQ(Str(At(req, "model")), kModel);
  EXPECT_TRUE(At(req, "stream").is_bool() && At(req, "stream").as_bool()) << "request was not streamed";
  EXPECT_TRUE(FindMessage(req, "system", "Knowledge passages:\n[1]")) << "no knowledge passages: " << json::serialize(req);
  EXPECT_TRUE(FindMessage(req, "user", kPaymentQuestion)) << json::serialize(req);
  const json::value* get_order = FindTool(req, "get_order");
  ASSERT_TRUE(get_order) << "get_order not offered: " << json::serialize(At(req, "tools"));
  EXPECT_TRUE(FindTool(req, "handoff_to_human")) << json::serialize(At(req, "tools"));
  EXPECT_TRUE(FindTool(req, "start_playbook")) << json::serialize(At(req, "tools"));
  const auto& params = At(At(*get_order, "function"), "parameters");
  EXPECT_TRUE(At(params, "properties").is_object()) << json::serialize(params);
  EXPECT_FALSE(At(params, "properties").is_object() && At(params, "properties").as_object().contains("customer_id"))
      << "the model is offered customer_id: " << json::serialize(params);
  EXPECT_EQ(json::serialize(params).find("customer_id"), std::string::npos) << json::serialize(params);
  EXPECT_EQ(mock_->Requests()[0].authorization, "Bearer sk-lingxi-test");

  // The admin trace shows the same prompt.
  const std::string admin = Login(port());
  auto trace = Trace(admin, Int(At(msg, "id")));
  EXPECT_EQ(Str(At(trace, "kind")), "llm") << json::serialize(trace);
  EXPECT_NE(json::serialize(At(trace, "prompt")).find("Knowledge passages"), std::string::npos) << json::serialize(trace);
}

TEST_F(LlmAgent, PersonalDataIsMaskedBeforeLeavingAndRestoredInTheReply) {
  Script(R"([{"content": "Thanks! We will call you at [PHONE_1] about payment methods."}])");
  auto s = StartAs(kCustomer);
  auto r = Say(s, "My phone is 13812345678 and my email is lilei.test@example.com. Which payment methods do you accept?");
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_EQ(Len(At(r.json, "replies")), 1u) << r.body;
  const auto& reply = At(At(r.json, "replies"), 0);

  auto reqs = ChatRequests();
  ASSERT_GE(reqs.size(), 1u) << "the LLM was not asked; reply: " << r.body;
  const std::string bodies = AllBodies();
  EXPECT_EQ(bodies.find("13812345678"), std::string::npos) << "phone number sent to the LLM:\n" << bodies;
  EXPECT_EQ(bodies.find("lilei.test@example.com"), std::string::npos) << "email sent to the LLM:\n" << bodies;
  // The customer's message reaches the model with placeholders. (Numbering is per prompt: an
  // address in a knowledge passage, masked first, may take [EMAIL_1].)
  const json::value* user = FindMessage(reqs[0], "user", "Which payment methods");
  ASSERT_TRUE(user) << json::serialize(reqs[0]);
  const std::string said = Str(At(*user, "content"));
  EXPECT_NE(said.find("[PHONE_1]"), std::string::npos) << said;
  EXPECT_NE(said.find("[EMAIL_"), std::string::npos) << said;

  // The customer's own data comes back in the reply, not the placeholders.
  const std::string content = Str(At(reply, "content"));
  EXPECT_NE(content.find("13812345678"), std::string::npos) << content;
  EXPECT_EQ(content.find("[PHONE_1]"), std::string::npos) << content;

  // The stored trace (admin) keeps the masked prompt.
  const std::string admin = Login(port());
  const std::string trace = json::serialize(Trace(admin, Int(At(reply, "id"))));
  EXPECT_EQ(trace.find("13812345678"), std::string::npos) << trace;
}

TEST_F(LlmAgent, ServerErrorsFallBackToTheEmbeddedEngineInTime) {
  Script(R"([{"status": 503, "error": {"message": "overloaded", "type": "server_error", "code": "overloaded"}}])");
  auto s = StartAs(kCustomer);
  SayExpectingFallback(s, kPaymentQuestion);
  EXPECT_GE(mock_->ChatRequestCount(), 1);
}

// /metrics counts the model calls by outcome and observes the time to the first token.
TEST_F(LlmAgent, MetricsCountModelCallsByOutcome) {
  auto metric = [](const std::string& line_start) -> double {
    auto r = Http(port(), "GET", "/metrics", "", "");
    EXPECT_EQ(r.status, 200);
    size_t at = r.body.find("\n" + line_start + " ");
    if (at == std::string::npos) return 0;
    return std::atof(r.body.c_str() + at + 1 + line_start.size() + 1);
  };
  const double ok0 = metric("lingxi_llm_requests_total{outcome=\"ok\"}");
  const double err0 = metric("lingxi_llm_requests_total{outcome=\"error\"}");
  const double ft0 = metric("lingxi_llm_first_token_seconds_count");
  Script(R"([{"content": "We accept Alipay, WeChat Pay and cards [1]."}])");
  auto s = StartAs(kCustomer);
  ASSERT_EQ(Say(s, kPaymentQuestion).status, 201);
  EXPECT_EQ(metric("lingxi_llm_requests_total{outcome=\"ok\"}"), ok0 + 1);
  EXPECT_EQ(metric("lingxi_llm_first_token_seconds_count"), ft0 + 1);
  mock_->Reset();
  Script(R"([{"status": 400, "error": {"message": "bad request", "type": "invalid_request_error"}}])");
  SayExpectingFallback(s, "And do you accept PayPal?");
  EXPECT_EQ(metric("lingxi_llm_requests_total{outcome=\"error\"}"), err0 + 1);
}

TEST_F(LlmAgent, SilentModelFallsBackWithinTheTimeout) {
  // The first token would come after 30 s; keep-alive comments keep the connection busy meanwhile.
  Script(R"([{"content": "too late", "first_token_delay_ms": 30000, "keepalive_ms": 300}])");
  auto s = StartAs(kCustomer);
  const json::value reply = SayExpectingFallback(s, kPaymentQuestion);
  EXPECT_EQ(Str(At(reply, "content")).find("too late"), std::string::npos) << json::serialize(reply);

  // A model that starts answering and then hangs mid-stream is cut off by the same deadline.
  mock_->Reset();
  Script(R"([{"content": "We accept Alipay and", "hang": true, "keepalive_ms": 300}])");
  const json::value cut = SayExpectingFallback(s, "And do you accept PayPal?");
  EXPECT_EQ(Str(At(cut, "content")).find("We accept Alipay and"), std::string::npos) << json::serialize(cut);
}

// The model asks for an order naming another customer; the conversation's customer id wins.
TEST_F(LlmAgent, ToolCallsRunAsTheConversationsCustomer) {
  Script(R"([
    {"has_tool_results": false, "times": 1,
     "tool_calls": [{"id": "call_1", "name": "get_order",
                     "arguments": "{\"order_no\":\"LX20240008\",\"customer_id\":\"cust-1001\"}"}]},
    {"has_tool_results": true, "content": "Your laptop backpack has shipped with SF Express."}
  ])");
  auto s = StartAs(kCustomer);
  auto r = Say(s, "Could you look up the details of LX20240008 for me?");
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_EQ(Len(At(r.json, "replies")), 1u) << r.body;
  const auto& reply = At(At(r.json, "replies"), 0);
  auto reqs = ChatRequests();
  ASSERT_EQ(reqs.size(), 2u) << "expected a tool round trip; reply: " << r.body << "\nrequests:\n" << AllBodies();
  const json::value* tool_msg = FindMessage(reqs[1], "tool", "");
  ASSERT_TRUE(tool_msg) << json::serialize(reqs[1]);
  EXPECT_EQ(Str(At(*tool_msg, "tool_call_id")), "call_1");
  json::value result = ParseJson(Str(At(*tool_msg, "content")));
  EXPECT_TRUE(At(result, "ok").is_bool() && At(result, "ok").as_bool())
      << "cust-1003's own order was refused (the model's customer_id cust-1001 won?): " << json::serialize(*tool_msg);
  EXPECT_EQ(Int(At(result, "http_status")), 200) << json::serialize(*tool_msg);
  const std::string fields = json::serialize(At(result, "fields"));
  EXPECT_NE(fields.find("LX20240008"), std::string::npos) << fields;
  EXPECT_NE(fields.find("SF1000000008"), std::string::npos) << fields;
  EXPECT_EQ(Str(At(reply, "content")), "Your laptop backpack has shipped with SF Express.") << r.body;
  EXPECT_FALSE(At(At(reply, "meta"), "fallback").is_bool()) << r.body;

  // Another customer's order, with that customer's id supplied by the model: refused.
  mock_->Reset();
  Script(R"([
    {"has_tool_results": false, "times": 1,
     "tool_calls": [{"id": "call_2", "name": "get_order",
                     "arguments": "{\"order_no\":\"LX20240001\",\"customer_id\":\"cust-1001\"}"}]},
    {"has_tool_results": true, "content": "Sorry, I cannot find that order on your account."}
  ])");
  auto r2 = Say(s, "And what about the details of LX20240001?");
  ASSERT_EQ(r2.status, 201) << r2.body;
  reqs = ChatRequests();
  ASSERT_EQ(reqs.size(), 2u) << r2.body << "\n" << AllBodies();
  tool_msg = FindMessage(reqs[1], "tool", "");
  ASSERT_TRUE(tool_msg) << json::serialize(reqs[1]);
  json::value denied = ParseJson(Str(At(*tool_msg, "content")));
  EXPECT_TRUE(At(denied, "ok").is_bool() && !At(denied, "ok").as_bool())
      << "cust-1003 read cust-1001's order through the model: " << json::serialize(*tool_msg);
  EXPECT_EQ(Int(At(denied, "http_status")), 403) << json::serialize(*tool_msg);
  EXPECT_EQ(json::serialize(At(denied, "fields")).find("上海"), std::string::npos) << json::serialize(*tool_msg);
}

TEST_F(LlmAgent, UsageCountsTheTokensTheModelReported) {
  Script(R"([{"content": "We accept Alipay, WeChat Pay and cards [1].", "prompt_tokens": 4321, "cache_hit_tokens": 1000}])");
  auto s = StartAs(kCustomer);
  auto r = Say(s, kPaymentQuestion);
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_EQ(Len(At(r.json, "replies")), 1u) << r.body;
  const auto& llm = At(At(At(At(r.json, "replies"), 0), "meta"), "llm");
  EXPECT_EQ(Int(At(llm, "prompt_tokens")), 4321) << r.body;

  const std::string admin = Login(port());
  auto conv = Http(port(), "GET", "/api/v1/llm/usage?conversation_id=" + std::to_string(s.conversation_id), "", admin);
  ASSERT_EQ(conv.status, 200) << conv.body;
  EXPECT_EQ(Int(At(conv.json, "answers")), 1) << conv.body;
  EXPECT_EQ(Int(At(conv.json, "prompt_tokens")), 4321) << conv.body;
  EXPECT_GT(Int(At(conv.json, "completion_tokens")), 0) << conv.body;
  EXPECT_EQ(Int(At(conv.json, "cache_hit_tokens")), 1000) << conv.body;

  auto all = Http(port(), "GET", "/api/v1/llm/usage", "", admin);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_GE(Int(At(all.json, "answers")), 1) << all.body;
  EXPECT_GE(Int(At(all.json, "prompt_tokens")), 4321) << all.body;

  // Customers cannot read usage.
  const int st = Http(port(), "GET", "/api/v1/llm/usage", "", s.token).status;
  EXPECT_TRUE(st == 401 || st == 403) << st;
}

// Messages sent while the bot is still answering are stored and acknowledged at once, then
// answered together in one follow-up turn whose transcript holds the first exchange (question
// and answer) and whose user message holds both queued messages.
TEST_F(LlmAgent, MessagesSentWhileTheBotAnswersAreAnsweredTogetherAfterwards) {
  Script(R"([{"request_max": 1, "content": "We accept Alipay and WeChat Pay [1].", "first_token_delay_ms": 1200},
             {"content": "Yes, both can be used for Lingxi Plus too [1]."}])");
  auto s = StartAs(kCustomer);
  WsClient ws(port(), "/api/v1/widget/ws?token=" + s.token);
  ASSERT_TRUE(ws.WaitForType("hello"));
  ASSERT_TRUE(ws.Send(json::object{{"type", "message"}, {"content", kPaymentQuestion}, {"client_id", 1}}));
  ASSERT_TRUE(ws.WaitFor([](const json::value& v) { return IsAck(v) && Int(At(v, "client_id")) == 1; }));
  ASSERT_TRUE(ws.Send(json::object{{"type", "message"}, {"content", "Also for the membership?"}, {"client_id", 2}}));
  ASSERT_TRUE(ws.Send(json::object{{"type", "message"}, {"content", "And for gift cards?"}, {"client_id", 3}}));
  // Both are acknowledged while the first answer is still being written.
  ASSERT_TRUE(ws.WaitFor([](const json::value& v) { return IsAck(v) && Int(At(v, "client_id")) == 3; }, 1000ms));

  auto is_bot = [](const json::value& v) {
    return Str(At(v, "type")) == "message" && Str(At(At(v, "message"), "sender_type")) == "bot";
  };
  auto first = ws.WaitFor(is_bot, 10s);
  ASSERT_TRUE(first);
  EXPECT_NE(Str(At(At(*first, "message"), "content")).find("Alipay"), std::string::npos);
  auto second = ws.WaitFor(is_bot, 10s);
  ASSERT_TRUE(second) << "the queued messages got no answer";
  EXPECT_NE(Str(At(At(*second, "message"), "content")).find("Lingxi Plus"), std::string::npos);

  auto requests = ChatRequests();
  ASSERT_EQ(requests.size(), 2u);
  const json::value& follow_up = requests[1];
  const auto* user = FindMessage(follow_up, "user", "Also for the membership?");
  ASSERT_TRUE(user) << json::serialize(follow_up);
  EXPECT_NE(Str(At(*user, "content")).find("And for gift cards?"), std::string::npos);
  // The transcript: the first question, then the bot's answer to it — in that order, once each.
  const auto& msgs = At(follow_up, "messages").as_array();
  int question = -1, answer = -1, queued_in_history = 0;
  for (size_t i = 0; i < msgs.size(); ++i) {
    const std::string role = Str(At(msgs[i], "role")), content = Str(At(msgs[i], "content"));
    if (role == "user" && content == kPaymentQuestion) question = static_cast<int>(i);
    if (role == "assistant" && content.find("Alipay") != std::string::npos) answer = static_cast<int>(i);
    if (role == "user" && content == "Also for the membership?") ++queued_in_history;
  }
  EXPECT_GE(question, 0);
  EXPECT_GT(answer, question);
  EXPECT_EQ(queued_in_history, 0) << "a queued message must not also appear as its own history entry";
}

}  // namespace
}  // namespace lingxi::it

namespace lingxi::it {
namespace {

// Agent assist with an LLM: one non-streamed JSON call with the conversation (personal data
// masked) and knowledge passages; the summary and drafts come back with the data restored.
TEST_F(LlmAgent, AgentAssistIsWrittenByTheModelWithPersonalDataMasked) {
  Script(R"([{"user_contains": "Conversation:", "content": "{\"summary\": \"The customer ([PHONE_1]) asks how long a refund takes and wants a person.\", \"replies\": [\"Refunds reach your account within 3-5 working days after approval.\", \"Could you tell me your order number so I can check it?\"]}"},
              {"content": "Refunds arrive within 3-5 working days after approval [1]."}])");
  auto s = StartAs(kCustomer);
  ASSERT_EQ(Say(s, "My phone is 13812345678. How long does a refund take?").status, 201);
  auto handoff = Say(s, "转人工");
  ASSERT_EQ(handoff.status, 201) << handoff.body;
  const std::string agent = Login(port());
  auto r = Http(port(), "POST", ConvPath(s.conversation_id, "/assist"), "", agent);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(At(r.json, "by")), "llm") << r.body;
  EXPECT_NE(Str(At(r.json, "summary")).find("13812345678"), std::string::npos) << "phone not restored: " << r.body;
  ASSERT_EQ(Len(At(r.json, "drafts")), 2u) << r.body;
  EXPECT_NE(Str(At(At(At(r.json, "drafts"), 0), "text")).find("3-5 working days"), std::string::npos) << r.body;

  const json::value* sent = nullptr;
  auto reqs = ChatRequests();
  for (const auto& q : reqs)
    if (FindMessage(q, "user", "Conversation:")) sent = &q;
  ASSERT_TRUE(sent) << AllBodies();
  const std::string body = json::serialize(*sent);
  EXPECT_EQ(body.find("13812345678"), std::string::npos) << "the phone number left the machine: " << body;
  EXPECT_NE(body.find("[PHONE_1]"), std::string::npos) << body;
  EXPECT_EQ(Str(At(At(*sent, "response_format"), "type")), "json_object") << body;
  EXPECT_FALSE(At(*sent, "stream").is_bool() && At(*sent, "stream").as_bool()) << body;
  EXPECT_TRUE(FindMessage(*sent, "system", "Knowledge passages:\n[1]")) << body;
  EXPECT_NE(body.find("Customer: 转人工"), std::string::npos) << body;
}

// With a model, the summary agents see in the queue is the model's: written in the background once
// the handoff is committed, replacing the bot's extractive one; the agent who opens the
// conversation gets the same summary and drafts from the cache (one model call in all). A new
// customer message makes the cached result stale: the next assist asks the model again.
TEST_F(LlmAgent, HandoffSummaryIsWrittenByTheModelAndReusedByAssist) {
  Script(R"([{"user_contains": "Conversation:", "content": "{\"summary\": \"Wants to know when the refund for order 10086 arrives; asked for a person.\", \"replies\": [\"Refunds arrive within 3-5 working days after approval.\"]}"},
              {"content": "Refunds arrive within 3-5 working days after approval [1]."}])");
  auto s = StartAs(kCustomer);
  ASSERT_EQ(Say(s, "When does the refund for order 10086 arrive?").status, 201);
  ASSERT_EQ(Say(s, "转人工").status, 201);
  const std::string agent = Login(port());
  const std::string model_summary = "Wants to know when the refund for order 10086 arrives; asked for a person.";
  std::string summary;
  for (int i = 0; i < 100 && summary != model_summary; ++i) {
    if (i > 0) std::this_thread::sleep_for(50ms);
    auto d = Http(port(), "GET", ConvPath(s.conversation_id), "", agent);
    ASSERT_EQ(d.status, 200) << d.body;
    EXPECT_EQ(Str(At(d.json, "status")), "queued") << d.body;
    summary = Str(At(d.json, "handoff_summary"));
  }
  EXPECT_EQ(summary, model_summary);
  auto assist_calls = [] {
    int n = 0;
    for (const auto& q : ChatRequests()) n += FindMessage(q, "user", "Conversation:") != nullptr;
    return n;
  };
  EXPECT_EQ(assist_calls(), 1) << AllBodies();

  auto r = Http(port(), "POST", ConvPath(s.conversation_id, "/assist"), "", agent);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(At(r.json, "by")), "llm") << r.body;
  EXPECT_EQ(Str(At(r.json, "summary")), model_summary) << r.body;
  EXPECT_EQ(assist_calls(), 1) << "the cached result should have been reused: " << AllBodies();

  ASSERT_EQ(Say(s, "Hello? Is anyone there?").status, 201);
  r = Http(port(), "POST", ConvPath(s.conversation_id, "/assist"), "", agent);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(assist_calls(), 2) << AllBodies();
  // The stored summary is not rewritten by a later assist (only at handoff).
  EXPECT_EQ(Str(At(Http(port(), "GET", ConvPath(s.conversation_id), "", agent).json, "handoff_summary")), model_summary);
}

// A model that fails, or answers with something that is not the JSON asked for, leaves the agent
// with the extractive summary and drafts, and a note saying why.
TEST_F(LlmAgent, AgentAssistFallsBackToExtractiveWhenTheModelFails) {
  Script(R"([{"user_contains": "Conversation:", "times": 1, "status": 500, "error_message": "overloaded", "error_type": "server_error"},
              {"user_contains": "Conversation:", "content": "Sure! Here is a summary: the customer wants a refund."},
              {"content": "Refunds arrive within 3-5 working days after approval [1]."}])");
  auto s = StartAs(kCustomer);
  ASSERT_EQ(Say(s, "How long does a refund take?").status, 201);
  const std::string agent = Login(port());
  for (int i = 0; i < 2; ++i) {
    auto r = Http(port(), "POST", ConvPath(s.conversation_id, "/assist"), "", agent);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Str(At(r.json, "by")), "extractive") << r.body;
    EXPECT_FALSE(Str(At(r.json, "note")).empty()) << r.body;
    EXPECT_NE(Str(At(r.json, "summary")).find("How long does a refund take?"), std::string::npos) << r.body;
    EXPECT_GE(Len(At(r.json, "drafts")), 2u) << r.body;
  }
}

}  // namespace
}  // namespace lingxi::it

namespace lingxi::it {
namespace {

// Real-time translation: the agent reads the customer's English in Chinese and replies in Chinese,
// sent in English with the original kept; personal data never leaves the machine; translations
// are cached; a failed translation sends nothing.
TEST_F(LlmAgent, AgentsReadAndReplyThroughTranslation) {
  Script(R"([{"user_contains": "where is my parcel", "content": "{\"translations\": [\"我的电话是 [PHONE_1]，我的包裹在哪里？\"]}"},
              {"user_contains": "包裹今天送达", "content": "{\"translations\": [\"Hello, your parcel arrives today.\"]}"},
              {"user_contains": "请稍等", "content": "{\"translations\": [\"one\", \"two\"]}"},
              {"content": "Let me check that for you [1]."}])");
  auto s = StartAs(kCustomer);
  ASSERT_EQ(Say(s, "My phone is 13812345678, where is my parcel?").status, 201);
  const std::string agent = Login(port());
  auto t = Http(port(), "POST", ConvPath(s.conversation_id, "/translate"), json::serialize(json::object{{"target", "zh"}}), agent);
  ASSERT_EQ(t.status, 200) << t.body;
  ASSERT_EQ(Len(At(t.json, "translations")), 1u) << t.body;
  EXPECT_NE(Str(At(At(At(t.json, "translations"), 0), "text")).find("13812345678"), std::string::npos) << t.body;
  const size_t calls = mock_->Requests().size();
  auto again = Http(port(), "POST", ConvPath(s.conversation_id, "/translate"), json::serialize(json::object{{"target", "zh"}}), agent);
  EXPECT_EQ(again.body, t.body);
  EXPECT_EQ(mock_->Requests().size(), calls) << "a cached translation was requested again";
  for (const auto& r : mock_->Requests()) EXPECT_EQ(r.body.find("13812345678"), std::string::npos) << r.body;

  auto sent = Http(port(), "POST", ConvPath(s.conversation_id, "/messages"),
                   json::serialize(json::object{{"content", "您好，包裹今天送达。"}, {"translate_to", "en"}}), agent);
  ASSERT_EQ(sent.status, 201) << sent.body;
  const auto& msg = At(sent.json, "message");
  EXPECT_EQ(Str(At(msg, "content")), "Hello, your parcel arrives today.");
  EXPECT_EQ(Str(At(At(msg, "meta"), "original")), "您好，包裹今天送达。");
  EXPECT_EQ(Str(At(At(msg, "meta"), "translated_to")), "en");
  auto seen = CustomerMessages(port(), s);
  EXPECT_EQ(Str(At(seen.back(), "content")), "Hello, your parcel arrives today.");

  // One item in, two translations out: refused, nothing sent.
  const size_t before = CustomerMessages(port(), s).size();
  auto bad = Http(port(), "POST", ConvPath(s.conversation_id, "/messages"),
                  json::serialize(json::object{{"content", "请稍等"}, {"translate_to", "en"}}), agent);
  EXPECT_EQ(bad.status, 503) << bad.body;
  EXPECT_EQ(CustomerMessages(port(), s).size(), before);
  EXPECT_EQ(Http(port(), "POST", ConvPath(s.conversation_id, "/translate"), json::serialize(json::object{{"target", "fr"}}), agent).status, 422);
}

}  // namespace
}  // namespace lingxi::it
