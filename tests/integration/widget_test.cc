// Customer (widget) flow against the demo workspace, plus the system endpoints.
#include <algorithm>
#include <cctype>
#include <sstream>

#include "harness.h"

#include "core/crypto.h"

namespace lingxi::it {
namespace {

class WidgetFlow : public SharedServerTest {};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

TEST_F(WidgetFlow, BotAnswersChineseAndEnglishQuestionsFromTheKnowledgeBase) {
  auto created = Http(port(), "POST", "/api/v1/widget/conversations",
                      json::object{{"inbox_token", "demo"}, {"contact", {{"name", "张三"}, {"email", "z@example.com"}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  const int64_t conv_id = Int(At(created.json, "conversation_id"));
  WidgetSession s{conv_id, Str(At(created.json, "token"))};
  ASSERT_GT(conv_id, 0);
  ASSERT_FALSE(s.token.empty());
  EXPECT_GT(Int(At(created.json, "contact_id")), 0);
  EXPECT_EQ(Str(At(created.json, "status")), "bot");

  struct Case {
    std::string question, language, source_title_hint;
  };
  const Case cases[] = {{"优惠券为什么用不了", "zh", "优惠券"},
                        {"how long does a refund take?", "en", "refund"}};
  std::vector<int64_t> ids;
  std::vector<std::string> contents;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.question);
    auto r = CustomerSay(port(), s, c.question);
    ASSERT_EQ(r.status, 201) << r.body;
    const auto& msg = At(r.json, "message");
    EXPECT_EQ(Str(At(msg, "sender_type")), "contact");
    EXPECT_EQ(Str(At(msg, "content")), c.question);
    EXPECT_EQ(Int(At(msg, "conversation_id")), conv_id);
    ASSERT_EQ(Len(At(r.json, "replies")), 1u) << r.body;
    const auto& reply = At(At(r.json, "replies"), 0);
    EXPECT_EQ(Str(At(reply, "sender_type")), "bot");
    EXPECT_FALSE(Str(At(reply, "content")).empty());
    const auto& meta = At(reply, "meta");
    EXPECT_EQ(Str(At(meta, "action")), "answer") << r.body;
    EXPECT_EQ(Str(At(meta, "language")), c.language);
    EXPECT_GT(Num(At(meta, "confidence")), 0.0);
    ASSERT_GT(Len(At(meta, "sources")), 0u) << r.body;
    const auto& top = At(At(meta, "sources"), 0);
    EXPECT_GT(Int(At(top, "id")), 0);
    EXPECT_NE(Lower(Str(At(top, "title"))).find(c.source_title_hint), std::string::npos) << Str(At(top, "title"));
    EXPECT_EQ(Str(At(r.json, "status")), "bot");
    ids.push_back(Int(At(msg, "id")));
    contents.push_back(c.question);
    ids.push_back(Int(At(reply, "id")));
    contents.push_back(Str(At(reply, "content")));
  }

  auto msgs = CustomerMessages(port(), s);
  ASSERT_EQ(msgs.size(), 4u);
  const char* senders[] = {"contact", "bot", "contact", "bot"};
  for (size_t i = 0; i < msgs.size(); ++i) {
    EXPECT_EQ(Int(At(msgs[i], "id")), ids[i]) << i;
    EXPECT_EQ(Str(At(msgs[i], "sender_type")), senders[i]) << i;
    EXPECT_EQ(Str(At(msgs[i], "content")), contents[i]) << i;
    if (i > 0) {
      EXPECT_GT(Int(At(msgs[i], "id")), Int(At(msgs[i - 1], "id")));
    }
  }
  // Paging: `after` skips what the client already has.
  auto tail = Http(port(), "GET", WidgetPath(conv_id, "/messages?after=" + std::to_string(ids[1])), "", s.token);
  ASSERT_EQ(tail.status, 200);
  ASSERT_EQ(Len(At(tail.json, "messages")), 2u);
  EXPECT_EQ(Int(At(At(At(tail.json, "messages"), 0), "id")), ids[2]);

  auto conv = Http(port(), "GET", WidgetPath(conv_id), "", s.token);
  ASSERT_EQ(conv.status, 200) << conv.body;
  EXPECT_EQ(Int(At(conv.json, "id")), conv_id);
  EXPECT_EQ(Str(At(conv.json, "status")), "bot");
  // The customer view does not leak internal hand-off notes.
  EXPECT_FALSE(conv.json.as_object().contains("handoff_summary"));
}

TEST_F(WidgetFlow, HandoffEndpointQueuesTheConversation) {
  auto s = StartConversation(port());
  auto r = Http(port(), "POST", WidgetPath(s.conversation_id, "/handoff"), "", s.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(At(r.json, "status")), "queued");
  ASSERT_EQ(Len(At(r.json, "replies")), 1u);
  EXPECT_EQ(Str(At(At(At(r.json, "replies"), 0), "sender_type")), "bot");
  // Asking again is idempotent: no second notice.
  auto again = Http(port(), "POST", WidgetPath(s.conversation_id, "/handoff"), "", s.token);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(Str(At(again.json, "status")), "queued");
  EXPECT_EQ(Len(At(again.json, "replies")), 0u);
  EXPECT_EQ(CustomerMessages(port(), s).size(), 1u);
}

// The demo playbook "delivered but not received" runs with the embedded engine alone: it asks
// for the order number, calls the demo shop's tools for THIS customer, explains the likely
// cause, and keeps the tool calls and the trace for agents and admins.
TEST_F(WidgetFlow, DeliveredButNotReceivedIsDiagnosedWithTheShopsTools) {
  auto s = StartAsCustomer(port(), "cust-1001");
  auto first = CustomerSay(port(), s, "我的包裹显示已签收但我没收到");
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_EQ(Len(At(first.json, "replies")), 1u) << first.body;
  const auto& ask = At(At(first.json, "replies"), 0);
  EXPECT_EQ(Str(At(At(ask, "meta"), "playbook")), "delivered_not_received") << first.body;
  EXPECT_NE(Str(At(ask, "content")).find("订单号"), std::string::npos) << "should ask for the order number";

  auto second = CustomerSay(port(), s, "订单号 LX20240001");
  ASSERT_EQ(second.status, 201) << second.body;
  ASSERT_EQ(Len(At(second.json, "replies")), 1u) << second.body;
  const auto& answer = At(At(second.json, "replies"), 0);
  const std::string text = Str(At(answer, "content"));
  EXPECT_NE(text.find("6-2-3018"), std::string::npos) << "the pickup code from the shop's tracking: " << text;
  const auto& tools = At(At(answer, "meta"), "tools");
  ASSERT_EQ(Len(tools), 2u) << second.body;
  EXPECT_EQ(Str(At(At(tools, 0), "tool")), "get_order");
  EXPECT_TRUE(At(At(tools, 0), "ok").as_bool());
  EXPECT_EQ(Str(At(At(tools, 1), "tool")), "track_shipment");
  EXPECT_EQ(Str(At(second.json, "status")), "bot");

  const std::string admin = Login(port());
  auto trace = Http(port(), "GET", "/api/v1/messages/" + std::to_string(Int(At(answer, "id"))) + "/trace", "", admin);
  ASSERT_EQ(trace.status, 200) << trace.body;
  EXPECT_EQ(Str(At(At(trace.json, "trace"), "kind")), "playbook");
  EXPECT_EQ(Len(At(At(trace.json, "trace"), "tool_calls")), 2u);

  // Another customer cannot learn about this order: the shop refuses, no pickup code leaks.
  auto other = StartAsCustomer(port(), "cust-1002");
  auto probe = CustomerSay(port(), other, "my order LX20240001 says delivered but I never got it");
  ASSERT_EQ(probe.status, 201) << probe.body;
  ASSERT_EQ(Len(At(probe.json, "replies")), 1u) << probe.body;
  const auto& refused = At(At(probe.json, "replies"), 0);
  EXPECT_EQ(Str(At(refused, "content")).find("6-2-3018"), std::string::npos) << Str(At(refused, "content"));
  EXPECT_FALSE(At(At(At(At(refused, "meta"), "tools"), 0), "ok").as_bool());
}

// A playbook waiting for an order number does not swallow a new question: a question the
// knowledge base answers confidently ends the flow and is answered; a failed attempt at the
// number ("12345") stays in the flow, which asks again.
TEST_F(WidgetFlow, ANewQuestionLeavesAWaitingPlaybook) {
  auto s = StartAsCustomer(port(), "cust-1001");
  auto first = CustomerSay(port(), s, "我的包裹显示已签收但我没收到");
  ASSERT_EQ(Str(At(At(At(At(first.json, "replies"), 0), "meta"), "playbook")), "delivered_not_received") << first.body;
  auto invoice = CustomerSay(port(), s, "怎么开发票？");
  ASSERT_EQ(invoice.status, 201) << invoice.body;
  ASSERT_EQ(Len(At(invoice.json, "replies")), 1u) << invoice.body;
  const auto& answer = At(At(invoice.json, "replies"), 0);
  EXPECT_EQ(Str(At(invoice.json, "status")), "bot");
  EXPECT_TRUE(At(At(answer, "meta"), "playbook").is_null()) << invoice.body;
  EXPECT_NE(Str(At(answer, "content")).find("发票"), std::string::npos) << Str(At(answer, "content"));
  // The flow is over: an order number now is not taken as the answer to the old question.
  auto later = CustomerSay(port(), s, "LX20240001");
  EXPECT_TRUE(At(At(At(At(later.json, "replies"), 0), "meta"), "playbook").is_null()) << later.body;
  EXPECT_EQ(Str(At(At(At(later.json, "replies"), 0), "content")).find("6-2-3018"), std::string::npos) << later.body;

  auto t = StartAsCustomer(port(), "cust-1001");
  CustomerSay(port(), t, "My package says delivered but I never got it");
  auto wrong = CustomerSay(port(), t, "12345");
  ASSERT_EQ(Len(At(wrong.json, "replies")), 1u) << wrong.body;
  EXPECT_EQ(Str(At(At(At(At(wrong.json, "replies"), 0), "meta"), "playbook")), "delivered_not_received") << wrong.body;
  EXPECT_NE(Str(At(At(At(wrong.json, "replies"), 0), "content")).find("LX20240001"), std::string::npos)
      << "asks again, with the format";
}

// An anonymous visitor's account questions get the knowledge base's general answer: there is
// nobody to look up, so the subscription playbook (which calls get_subscription) does not start.
// The verified customer gets the playbook.
TEST_F(WidgetFlow, PlaybooksThatLookUpTheCustomerNeedAVerifiedCustomer) {
  auto anon = StartConversation(port());
  auto a = CustomerSay(port(), anon, "会员怎么续费？");
  ASSERT_EQ(Len(At(a.json, "replies")), 1u) << a.body;
  EXPECT_TRUE(At(At(At(At(a.json, "replies"), 0), "meta"), "playbook").is_null()) << a.body;
  EXPECT_TRUE(At(At(At(At(a.json, "replies"), 0), "meta"), "tools").is_null()) << a.body;
  EXPECT_GT(Len(At(At(At(At(a.json, "replies"), 0), "meta"), "sources")), 0u) << a.body;

  auto known = StartAsCustomer(port(), "cust-1001");
  auto k = CustomerSay(port(), known, "会员怎么续费？");
  ASSERT_EQ(Len(At(k.json, "replies")), 1u) << k.body;
  EXPECT_EQ(Str(At(At(At(At(k.json, "replies"), 0), "meta"), "playbook")), "subscription_renewal") << k.body;
}

// Agent assist without an LLM: the bot's handoff summary and drafts from the knowledge base,
// for agents of the conversation's account only.
TEST_F(WidgetFlow, AgentAssistWithoutAModelIsExtractive) {
  auto s = StartConversation(port());
  ASSERT_EQ(CustomerSay(port(), s, "退款多久到账").status, 201);
  ASSERT_EQ(CustomerSay(port(), s, "转人工").status, 201);
  const std::string agent = Login(port());
  auto r = Http(port(), "POST", ConvPath(s.conversation_id, "/assist"), "", agent);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(At(r.json, "by")), "extractive");
  EXPECT_FALSE(At(r.json, "note").is_string()) << "no LLM configured, nothing to explain: " << r.body;
  EXPECT_NE(Str(At(r.json, "summary")).find("转人工原因"), std::string::npos) << r.body;
  ASSERT_GE(Len(At(r.json, "drafts")), 2u) << r.body;
  const auto& first = At(At(r.json, "drafts"), 0);
  EXPECT_NE(Str(At(first, "text")).find("退"), std::string::npos) << r.body;
  EXPECT_GT(Len(At(first, "sources")), 0u) << r.body;
  EXPECT_EQ(Http(port(), "POST", ConvPath(s.conversation_id, "/assist"), "", s.token).status, 401);
  EXPECT_EQ(Http(port(), "POST", ConvPath(999999, "/assist"), "", agent).status, 404);
}

// Without an LLM there is no translation: a clear 503, and a reply asked to be translated is
// not sent untranslated.
TEST_F(WidgetFlow, TranslationWithoutAModelIsUnavailableAndSendsNothing) {
  auto s = StartConversation(port());
  ASSERT_EQ(CustomerSay(port(), s, "where is my parcel?").status, 201);
  const std::string agent = Login(port());
  auto t = Http(port(), "POST", ConvPath(s.conversation_id, "/translate"), json::serialize(json::object{{"target", "zh"}}), agent);
  EXPECT_EQ(t.status, 503) << t.body;
  EXPECT_EQ(t.ErrorCode(), "unavailable") << t.body;
  const size_t before = CustomerMessages(port(), s).size();
  auto r = Http(port(), "POST", ConvPath(s.conversation_id, "/messages"),
                json::serialize(json::object{{"content", "您好"}, {"translate_to", "en"}}), agent);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(CustomerMessages(port(), s).size(), before);
}

// Identity verification: a page can claim to be any customer, so only the business's back-end
// (holding the inbox's secret) can vouch for one. Otherwise anyone could chat as "cust-1001"
// and have the bot's tools read that customer's orders.
TEST_F(WidgetFlow, ClaimingACustomerIdNeedsTheBusinesssSignature) {
  auto start = [&](json::object contact) {
    return Http(port(), "POST", "/api/v1/widget/conversations",
                json::object{{"inbox_token", "demo"}, {"contact", std::move(contact)}});
  };
  auto unsigned_claim = start({{"external_id", "cust-1001"}});
  EXPECT_EQ(unsigned_claim.status, 401) << unsigned_claim.body;
  EXPECT_NE(unsigned_claim.body.find("identifier_hash"), std::string::npos) << unsigned_claim.body;
  const std::string secret = DemoIdentitySecret(port());
  ASSERT_EQ(secret.size(), 64u);
  auto wrong = start({{"external_id", "cust-1001"}, {"identifier_hash", HmacSha256Hex(secret, "cust-1002")}});
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  auto junk = start({{"external_id", "cust-1001"}, {"identifier_hash", 42}});
  EXPECT_EQ(junk.status, 422) << junk.body;
  auto anonymous = start({{"name", "Visitor"}});
  EXPECT_EQ(anonymous.status, 201) << anonymous.body;

  // The demo shop's back-end signs its customer; the hash is accepted in upper case too.
  auto session = Http(port(), "GET", "/demo-shop/api/session?customer_id=cust-1001");
  ASSERT_EQ(session.status, 200) << session.body;
  std::string hash = Str(At(session.json, "identifier_hash"));
  EXPECT_EQ(hash, HmacSha256Hex(secret, "cust-1001"));
  std::string upper = hash;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto ok1 = start({{"external_id", "cust-1001"}, {"identifier_hash", upper}});
  ASSERT_EQ(ok1.status, 201) << ok1.body;
  auto ok2 = start({{"external_id", "cust-1001"}, {"identifier_hash", hash}});
  ASSERT_EQ(ok2.status, 201) << ok2.body;
  EXPECT_EQ(Int(At(ok1.json, "contact_id")), Int(At(ok2.json, "contact_id"))) << "one customer, one contact";
  EXPECT_EQ(Http(port(), "GET", "/demo-shop/api/session?customer_id=cust-9999").status, 404);
  EXPECT_EQ(Http(port(), "GET", "/demo-shop/api/session").status, 422);

  // Rotation: admins only; the old signature stops working at once, the shop's new one works.
  const std::string admin = Login(port());
  auto made = Http(port(), "POST", "/api/v1/users",
                   json::object{{"email", "rota@demo.lingxi"}, {"password", "agent-pass-1"}, {"role", "agent"}}, admin);
  ASSERT_EQ(made.status, 201) << made.body;
  auto inboxes = Http(port(), "GET", "/api/v1/inboxes", "", admin);
  const int64_t inbox_id = Int(At(At(At(inboxes.json, "inboxes"), 0), "id"));
  const std::string rotate = "/api/v1/inboxes/" + std::to_string(inbox_id) + "/identity_secret";
  auto denied = Http(port(), "POST", rotate, "", Login(port(), "rota@demo.lingxi", "agent-pass-1"));
  EXPECT_EQ(denied.status, 403) << denied.body;
  EXPECT_EQ(Http(port(), "POST", "/api/v1/inboxes/99999/identity_secret", "", admin).status, 404);
  auto rotated = Http(port(), "POST", rotate, "", admin);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  EXPECT_NE(Str(At(rotated.json, "identity_secret")), secret);
  EXPECT_EQ(DemoIdentitySecret(port()), Str(At(rotated.json, "identity_secret")));
  EXPECT_EQ(start({{"external_id", "cust-1001"}, {"identifier_hash", hash}}).status, 401) << "old signature";
  auto resigned = Http(port(), "GET", "/demo-shop/api/session?customer_id=cust-1001");
  EXPECT_EQ(start({{"external_id", "cust-1001"}, {"identifier_hash", Str(At(resigned.json, "identifier_hash"))}}).status, 201);
}

// Value of a Prometheus sample line `name{labels} value`, or -1 if absent.
double Sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

TEST_F(WidgetFlow, MetricsAndProbesReportTraffic) {
  auto ready = Http(port(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(Str(At(ready.json, "status")), "ready");
  auto health = Http(port(), "GET", "/healthz");
  EXPECT_EQ(health.status, 200);

  auto before = Http(port(), "GET", "/metrics");
  ASSERT_EQ(before.status, 200);
  EXPECT_NE(before.content_type.find("text/plain"), std::string::npos);
  auto s = StartConversation(port());
  ASSERT_EQ(CustomerSay(port(), s, "how long does a refund take?").status, 201);
  ASSERT_EQ(CustomerSay(port(), s, "转人工").status, 201);
  auto after = Http(port(), "GET", "/metrics");
  ASSERT_EQ(after.status, 200);
  for (const char* name : {"lingxi_http_requests_total", "lingxi_messages_total", "lingxi_bot_answers_total",
                           "lingxi_bot_handoffs_total", "lingxi_websocket_connections"}) {
    EXPECT_NE(after.body.find(name), std::string::npos) << name;
  }
  const std::string contact = R"(lingxi_messages_total{sender="contact"})";
  const std::string bot = R"(lingxi_messages_total{sender="bot"})";
  const std::string ok = R"(lingxi_http_requests_total{code="2xx"})";
  const std::string requested = R"(lingxi_bot_handoffs_total{reason="requested"})";
  EXPECT_GE(Sample(after.body, contact) - Sample(before.body, contact), 2) << after.body;
  EXPECT_GE(Sample(after.body, bot) - Sample(before.body, bot), 2);
  EXPECT_GE(Sample(after.body, "lingxi_bot_answers_total") - Sample(before.body, "lingxi_bot_answers_total"), 1);
  EXPECT_GE(Sample(after.body, requested) - Sample(before.body, requested), 1);
  EXPECT_GE(Sample(after.body, ok) - Sample(before.body, ok), 3);

  // The WebSocket gauge follows connections up and back down.
  auto gauge = [&] { return Sample(Http(port(), "GET", "/metrics").body, "lingxi_websocket_connections"); };
  const double idle = gauge();
  ASSERT_GE(idle, 0);
  {
    WsClient ws(port(), "/api/v1/widget/ws?token=" + s.token);
    ASSERT_TRUE(ws.WaitForType("hello"));
    EXPECT_EQ(gauge(), idle + 1);
  }
  const auto deadline = Clock::now() + 5s;
  while (gauge() != idle && Clock::now() < deadline) {
  }
  EXPECT_EQ(gauge(), idle) << "closed WebSocket still counted";
}

}  // namespace
}  // namespace lingxi::it
