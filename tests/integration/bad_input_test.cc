// Hostile and malformed input: every case gets a precise error, and the server stays up.
// The suite's server runs with a 2 KiB body limit and a 1 s idle timeout.
#include "harness.h"

namespace lingxi::it {
namespace {

class BadInput : public SharedServerTest {
 protected:
  static void SetUpTestSuite() { StartShared({{"LINGXI_BODY_LIMIT", "2048"}, {"LINGXI_IDLE_TIMEOUT", "1"}}); }
  void SetUp() override {
    customer_ = StartConversation(port());
    agent_ = Login(port());
  }
  void TearDown() override {
    auto h = Http(port(), "GET", "/healthz");
    EXPECT_EQ(h.status, 200) << "server unhealthy after " << ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
  WidgetSession customer_;
  std::string agent_;
};

enum class Auth { kNone, kCustomer, kAgent };

struct Case {
  const char* name;
  const char* method;
  std::string target;  // "{c}" is replaced by the customer's conversation id
  std::string body;
  Auth auth;
  int status;
  const char* code;  // expected error.code
};

TEST_F(BadInput, RequestsAreRejectedWithPreciseErrors) {
  const std::string over_limit = R"({"content":")" + std::string(3000, 'x') + R"("})";
  const std::string msgs = "/api/v1/widget/conversations/{c}/messages";
  const Case cases[] = {
      {"malformed JSON", "POST", msgs, R"({"content": "hi")", Auth::kCustomer, 400, "invalid_json"},
      {"empty body", "POST", msgs, "", Auth::kCustomer, 400, "invalid_json"},
      {"JSON array body", "POST", msgs, R"(["hi"])", Auth::kCustomer, 422, "invalid_argument"},
      {"JSON string body", "POST", msgs, R"("hi")", Auth::kCustomer, 422, "invalid_argument"},
      {"missing content", "POST", msgs, R"({"text":"hi"})", Auth::kCustomer, 422, "invalid_argument"},
      {"content is a number", "POST", msgs, R"({"content":42})", Auth::kCustomer, 422, "invalid_argument"},
      {"content is an object", "POST", msgs, R"({"content":{"a":1}})", Auth::kCustomer, 422, "invalid_argument"},
      {"content is blank", "POST", msgs, R"({"content":"   "})", Auth::kCustomer, 422, "invalid_argument"},
      {"content is control chars", "POST", msgs, "{\"content\":\"\\u0000\\u0007\\n\"}", Auth::kCustomer, 422,
       "invalid_argument"},
      {"invalid UTF-8", "POST", msgs, "{\"content\":\"\xff\xfe bad\"}", Auth::kCustomer, 400, "invalid_json"},
      {"overlong UTF-8", "POST", msgs, "{\"content\":\"\xc0\xaf\"}", Auth::kCustomer, 400, "invalid_json"},
      {"number a double cannot hold", "POST", msgs, R"({"content":"hi","x":1e400})", Auth::kCustomer, 400,
       "invalid_json"},
      {"number that parses as NaN", "POST", msgs, R"({"content":"hi","x":[0e400]})", Auth::kCustomer, 400,
       "invalid_json"},
      {"deeply nested", "POST", msgs, std::string(100, '[') + std::string(100, ']'), Auth::kCustomer, 400,
       "invalid_json"},
      {"body over limit", "POST", msgs, over_limit, Auth::kCustomer, 413, "payload_too_large"},
      {"unknown route", "GET", "/api/v1/nope", "", Auth::kAgent, 404, "not_found"},
      {"unknown nested route", "GET", "/api/v1/widget/conversations/{c}/nope", "", Auth::kCustomer, 404, "not_found"},
      {"wrong method", "DELETE", "/api/v1/widget/conversations", "", Auth::kNone, 405, "method_not_allowed"},
      {"wrong method on agent route", "PUT", "/api/v1/conversations/{c}/resolve", "", Auth::kAgent, 405,
       "method_not_allowed"},
      {"no token (agent)", "GET", "/api/v1/conversations", "", Auth::kNone, 401, "unauthenticated"},
      {"no token (widget)", "GET", "/api/v1/widget/conversations/{c}", "", Auth::kNone, 401, "unauthenticated"},
      {"no token (kb write)", "POST", "/api/v1/kb/articles", R"({"title":"t","body":"b"})", Auth::kNone, 401,
       "unauthenticated"},
      {"non-numeric id (agent)", "GET", "/api/v1/conversations/abc", "", Auth::kAgent, 422, "invalid_argument"},
      {"non-numeric id (widget)", "GET", "/api/v1/widget/conversations/abc", "", Auth::kCustomer, 422,
       "invalid_argument"},
      {"negative id", "GET", "/api/v1/conversations/-1", "", Auth::kAgent, 422, "invalid_argument"},
      {"huge id", "GET", "/api/v1/conversations/99999999999999999999999", "", Auth::kAgent, 422, "invalid_argument"},
      {"unknown conversation", "GET", "/api/v1/conversations/987654321", "", Auth::kAgent, 404, "not_found"},
      {"reply to unknown conversation", "POST", "/api/v1/conversations/987654321/messages", R"({"content":"hi"})",
       Auth::kAgent, 404, "not_found"},
      {"bad status filter", "GET", "/api/v1/conversations?status=nope", "", Auth::kAgent, 422, "invalid_argument"},
      {"bad limit", "GET", "/api/v1/conversations?limit=abc", "", Auth::kAgent, 422, "invalid_argument"},
      {"unknown inbox", "POST", "/api/v1/widget/conversations", R"({"inbox_token":"nope"})", Auth::kNone, 404,
       "not_found"},
      {"missing inbox", "POST", "/api/v1/widget/conversations", R"({})", Auth::kNone, 422, "invalid_argument"},
      {"contact not an object", "POST", "/api/v1/widget/conversations", R"({"inbox_token":"demo","contact":"x"})",
       Auth::kNone, 422, "invalid_argument"},
      {"bad contact email", "POST", "/api/v1/widget/conversations",
       R"({"inbox_token":"demo","contact":{"email":"not-an-email"}})", Auth::kNone, 422, "invalid_argument"},
      {"wrong password", "POST", "/api/v1/auth/login", R"({"email":"agent@demo.lingxi","password":"nope"})",
       Auth::kNone, 401, "unauthenticated"},
      {"unknown user", "POST", "/api/v1/auth/login", R"({"email":"who@demo.lingxi","password":"demo"})", Auth::kNone,
       401, "unauthenticated"},
      {"assign to unknown user", "POST", "/api/v1/conversations/{c}/assign", R"({"assignee_id":424242})",
       Auth::kAgent, 422, "invalid_argument"},
      {"assignee wrong type", "POST", "/api/v1/conversations/{c}/assign", R"({"assignee_id":"me"})", Auth::kAgent,
       422, "invalid_argument"},
      {"search without q", "GET", "/api/v1/kb/search", "", Auth::kAgent, 422, "invalid_argument"},
      {"article without title", "POST", "/api/v1/kb/articles", R"({"body":"b"})", Auth::kAgent, 422,
       "invalid_argument"},
      {"article questions not strings", "POST", "/api/v1/kb/articles", R"({"title":"t","body":"b","questions":[1]})",
       Auth::kAgent, 422, "invalid_argument"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::string target = c.target;
    if (auto at = target.find("{c}"); at != std::string::npos)
      target.replace(at, 3, std::to_string(customer_.conversation_id));
    const std::string token = c.auth == Auth::kCustomer ? customer_.token : c.auth == Auth::kAgent ? agent_ : "";
    auto r = Http(port(), c.method, target, c.body, token);
    EXPECT_EQ(r.status, c.status) << r.body;
    EXPECT_EQ(r.ErrorCode(), c.code) << r.body;
    EXPECT_TRUE(At(At(r.json, "error"), "message").is_string()) << r.body;
    EXPECT_FALSE(Str(At(At(r.json, "error"), "message")).empty()) << r.body;
  }
  // None of the rejected requests left anything behind.
  EXPECT_EQ(CustomerMessages(port(), customer_).size(), 0u);
  auto conv = Http(port(), "GET", ConvPath(customer_.conversation_id), "", agent_);
  EXPECT_EQ(Str(At(conv.json, "status")), "bot") << conv.body;
}

TEST_F(BadInput, BodyJustUnderTheLimitIsAccepted) {
  // Control for the 413 case: the limit is the configured one, not something smaller.
  const std::string body = R"({"content":")" + std::string(1900, 'y') + R"("})";
  auto r = Http(port(), "POST", WidgetPath(customer_.conversation_id, "/messages"), body, customer_.token);
  EXPECT_EQ(r.status, 201) << r.body;
}

TEST_F(BadInput, MalformedHttpGets400) {
  RawConnection conn(port());
  conn.Write("THIS IS NOT HTTP\r\n\r\n");
  std::string received;
  EXPECT_TRUE(conn.WaitForClose(5s, &received));
  EXPECT_EQ(received.rfind("HTTP/1.1 400", 0), 0u) << received;
}

TEST_F(BadInput, OversizedWebSocketFrameClosesOnlyThatConnection) {
  WsClient ws(port(), "/api/v1/widget/ws?token=" + customer_.token);
  ASSERT_TRUE(ws.WaitForType("hello"));
  const std::string huge = json::serialize(json::object{{"type", "message"}, {"content", std::string(70 * 1024, 'z')}});
  ws.Send(huge);  // may or may not complete before the server gives up on the frame
  EXPECT_TRUE(ws.WaitClosed(5s)) << "server kept a connection that sent a 70 KiB frame";
  EXPECT_FALSE(ws.WaitFor(IsAck, 0ms)) << "the oversized message was accepted";

  // Other connections are unaffected and the message was not stored.
  WsClient again(port(), "/api/v1/widget/ws?token=" + customer_.token);
  ASSERT_TRUE(again.WaitForType("hello"));
  ASSERT_TRUE(again.Send(json::object{{"type", "message"}, {"content", "还能用吗"}, {"client_id", 1}}));
  EXPECT_TRUE(again.WaitFor(IsAck));
  auto msgs = CustomerMessages(port(), customer_);
  ASSERT_FALSE(msgs.empty());
  EXPECT_EQ(Str(At(msgs[0], "content")), "还能用吗");
}

TEST_F(BadInput, SlowClientIsDisconnectedByIdleTimeout) {
  RawConnection conn(port());
  const auto t0 = Clock::now();
  conn.Write("GET /healthz HT");  // half a request line, then nothing
  std::string received;
  EXPECT_TRUE(conn.WaitForClose(5s, &received)) << "connection still open after 5 s";
  const auto elapsed = Clock::now() - t0;
  EXPECT_LT(elapsed, 3s);
  EXPECT_GE(elapsed, 500ms) << "closed before the idle timeout";
  EXPECT_TRUE(received.empty()) << received;
}

TEST_F(BadInput, SlowBodyIsDisconnectedByIdleTimeout) {
  RawConnection conn(port());
  const auto t0 = Clock::now();
  conn.Write("POST /api/v1/widget/conversations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: 100\r\n\r\n{\"inbox");
  std::string received;
  EXPECT_TRUE(conn.WaitForClose(5s, &received));
  EXPECT_LT(Clock::now() - t0, 3s);
}

}  // namespace
}  // namespace lingxi::it
