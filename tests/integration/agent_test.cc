// Hand-off to a human and the realtime (WebSocket) path between customer and agent.
#include "harness.h"

namespace lingxi::it {
namespace {

class AgentFlow : public SharedServerTest {};

bool ListContains(const HttpResult& list, int64_t id) {
  const auto& a = At(list.json, "conversations");
  if (!a.is_array()) return false;
  for (const auto& c : a.as_array())
    if (Int(At(c, "id")) == id) return true;
  return false;
}

TEST_F(AgentFlow, HandoffQueuesConversationWithSummaryForAgents) {
  auto s = StartConversation(port());
  ASSERT_EQ(CustomerSay(port(), s, "我的快递三天没有更新物流了").status, 201);
  auto r = CustomerSay(port(), s, "转人工");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Str(At(r.json, "status")), "queued");
  ASSERT_EQ(Len(At(r.json, "replies")), 1u) << r.body;
  const auto& reply = At(At(r.json, "replies"), 0);
  EXPECT_EQ(Str(At(reply, "sender_type")), "bot");
  EXPECT_FALSE(Str(At(reply, "content")).empty());
  EXPECT_EQ(Str(At(At(reply, "meta"), "action")), "handoff");
  EXPECT_EQ(Str(At(At(reply, "meta"), "handoff_reason")), "requested");
  EXPECT_EQ(Str(At(Http(port(), "GET", WidgetPath(s.conversation_id), "", s.token).json, "status")), "queued");

  const std::string agent = Login(port());
  auto me = Http(port(), "GET", "/api/v1/auth/me", "", agent);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(Str(At(At(me.json, "user"), "email")), "agent@demo.lingxi");
  EXPECT_EQ(Str(At(At(me.json, "user"), "role")), "admin");

  auto queued = Http(port(), "GET", "/api/v1/conversations?status=queued", "", agent);
  ASSERT_EQ(queued.status, 200) << queued.body;
  EXPECT_TRUE(ListContains(queued, s.conversation_id)) << queued.body;
  auto bot_only = Http(port(), "GET", "/api/v1/conversations?status=bot", "", agent);
  ASSERT_EQ(bot_only.status, 200);
  EXPECT_FALSE(ListContains(bot_only, s.conversation_id));
  EXPECT_TRUE(ListContains(Http(port(), "GET", "/api/v1/conversations?status=open", "", agent), s.conversation_id));

  auto detail = Http(port(), "GET", ConvPath(s.conversation_id), "", agent);
  ASSERT_EQ(detail.status, 200) << detail.body;
  EXPECT_EQ(Str(At(detail.json, "status")), "queued");
  EXPECT_EQ(Str(At(detail.json, "handoff_reason")), "requested");
  EXPECT_FALSE(Str(At(detail.json, "handoff_summary")).empty()) << detail.body;
  EXPECT_GT(Int(At(At(detail.json, "contact"), "id")), 0);
  const auto& msgs = At(detail.json, "messages");
  ASSERT_EQ(Len(msgs), 4u) << detail.body;
  EXPECT_EQ(Str(At(At(msgs, 0), "content")), "我的快递三天没有更新物流了");
  EXPECT_EQ(Str(At(At(msgs, 2), "content")), "转人工");
  EXPECT_EQ(Str(At(At(msgs, 3), "sender_type")), "bot");

  // A queued conversation is for humans: the bot stays quiet.
  auto more = CustomerSay(port(), s, "还在吗？");
  ASSERT_EQ(more.status, 201);
  EXPECT_EQ(Len(At(more.json, "replies")), 0u) << more.body;
  EXPECT_EQ(Str(At(more.json, "status")), "queued");
}

auto IsMessageFrom(const std::string& sender, int64_t conversation_id = 0) {
  return [sender, conversation_id](const json::value& v) {
    if (Str(At(v, "type")) != "message") return false;
    if (conversation_id && Int(At(At(v, "message"), "conversation_id")) != conversation_id) return false;
    return Str(At(At(v, "message"), "sender_type")) == sender;
  };
}

auto IsStatus(const std::string& status) {
  return [status](const json::value& v) { return Str(At(v, "type")) == "status" && Str(At(v, "status")) == status; };
}

TEST_F(AgentFlow, RealtimeEventsFlowBetweenCustomerAndAgent) {
  auto s = StartConversation(port());
  const std::string agent = Login(port());
  const int64_t agent_id = Int(At(At(Http(port(), "GET", "/api/v1/auth/me", "", agent).json, "user"), "id"));
  ASSERT_GT(agent_id, 0);

  WsClient customer(port(), "/api/v1/widget/ws?token=" + s.token);
  WsClient desk(port(), "/api/v1/ws?token=" + agent);
  auto hello = customer.WaitForType("hello");
  ASSERT_TRUE(hello);
  EXPECT_EQ(Int(At(*hello, "conversation_id")), s.conversation_id);
  auto desk_hello = desk.WaitForType("hello");
  ASSERT_TRUE(desk_hello);
  EXPECT_EQ(Int(At(At(*desk_hello, "user"), "id")), agent_id);

  ASSERT_TRUE(customer.Send(json::object{{"type", "ping"}}));
  EXPECT_TRUE(customer.WaitForType("pong"));

  const std::string question = "how long does a refund take?";
  ASSERT_TRUE(customer.Send(json::object{{"type", "message"}, {"content", question}, {"client_id", "c-1"}}));
  // The echo of the stored message is the ack: it carries the client_id.
  auto echoed = customer.WaitFor([](const json::value& v) { return IsAck(v) && Str(At(v, "client_id")) == "c-1"; });
  ASSERT_TRUE(echoed) << "no ack";
  const int64_t msg_id = Int(At(At(*echoed, "message"), "id"));
  ASSERT_GT(msg_id, 0);
  EXPECT_EQ(Str(At(At(*echoed, "message"), "sender_type")), "contact");
  EXPECT_EQ(Str(At(At(*echoed, "message"), "content")), question);
  auto bot = customer.WaitFor(IsMessageFrom("bot"));
  ASSERT_TRUE(bot);
  EXPECT_EQ(Str(At(At(At(*bot, "message"), "meta"), "action")), "answer");
  auto seen = desk.WaitFor([&](const json::value& v) {
    return Str(At(v, "type")) == "message" && Int(At(v, "conversation_id")) == s.conversation_id &&
           Int(At(At(v, "message"), "id")) == msg_id;
  });
  ASSERT_TRUE(seen) << "agent socket did not get the customer's message";

  // The agent claims the conversation and answers.
  auto claimed = Http(port(), "POST", ConvPath(s.conversation_id, "/assign"), "", agent);
  ASSERT_EQ(claimed.status, 200) << claimed.body;
  EXPECT_EQ(Str(At(claimed.json, "status")), "assigned");
  EXPECT_EQ(Int(At(claimed.json, "assignee_id")), agent_id);
  EXPECT_TRUE(customer.WaitFor(IsStatus("assigned"))) << "customer saw no status change on assign";
  EXPECT_TRUE(desk.WaitFor([&](const json::value& v) {
    return Str(At(v, "type")) == "conversation" && Int(At(At(v, "conversation"), "id")) == s.conversation_id &&
           Str(At(At(v, "conversation"), "status")) == "assigned";
  }));

  const std::string answer = "您好，我是客服小王，退款已经为您加急处理。";
  auto replied = Http(port(), "POST", ConvPath(s.conversation_id, "/messages"), json::object{{"content", answer}}, agent);
  ASSERT_EQ(replied.status, 201) << replied.body;
  EXPECT_EQ(Str(At(At(replied.json, "message"), "sender_type")), "agent");
  EXPECT_EQ(Int(At(At(replied.json, "message"), "sender_id")), agent_id);
  auto from_agent = customer.WaitFor(IsMessageFrom("agent"));
  ASSERT_TRUE(from_agent) << "customer did not receive the agent's reply";
  EXPECT_EQ(Str(At(At(*from_agent, "message"), "content")), answer);

  // While a human has it, customer messages get no bot reply.
  ASSERT_TRUE(customer.Send(json::object{{"type", "message"}, {"content", "谢谢！"}, {"client_id", 2}}));
  ASSERT_TRUE(customer.WaitFor([](const json::value& v) { return IsAck(v) && Int(At(v, "client_id")) == 2; }));
  EXPECT_TRUE(desk.WaitFor(IsMessageFrom("contact", s.conversation_id)));

  auto resolved = Http(port(), "POST", ConvPath(s.conversation_id, "/resolve"), "", agent);
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  EXPECT_EQ(Str(At(resolved.json, "status")), "resolved");
  EXPECT_TRUE(customer.WaitFor(IsStatus("resolved"))) << "customer saw no resolved status";
  auto notice = customer.WaitFor(IsMessageFrom("system"));
  ASSERT_TRUE(notice) << "customer saw no system message on resolve";
  EXPECT_FALSE(Str(At(At(*notice, "message"), "content")).empty());
  for (const auto& v : customer.inbox()) EXPECT_FALSE(IsMessageFrom("bot")(v)) << json::serialize(v);

  // Errors on the socket are reported as frames, the socket stays open.
  ASSERT_TRUE(customer.Send(std::string("{not json")));
  auto err = customer.WaitForType("error");
  ASSERT_TRUE(err);
  EXPECT_EQ(Str(At(*err, "code")), "invalid_json");
  ASSERT_TRUE(customer.Send(json::object{{"type", "message"}, {"content", "   "}, {"client_id", "blank"}}));
  auto blank = customer.WaitForType("error");
  ASSERT_TRUE(blank);
  EXPECT_EQ(Str(At(*blank, "client_id")), "blank");
  EXPECT_FALSE(customer.closed());

  // History over HTTP matches what was pushed.
  auto msgs = CustomerMessages(port(), s);
  ASSERT_EQ(msgs.size(), 5u);
  EXPECT_EQ(Str(At(msgs[2], "sender_type")), "agent");
  EXPECT_EQ(Str(At(msgs[4], "sender_type")), "system");
}

}  // namespace
}  // namespace lingxi::it
