// Agent management: roles enforced by the server, creating agents, deactivation logs out.
#include "harness.h"

namespace lingxi::it {
namespace {

class UsersApi : public SharedServerTest {};

int64_t MyId(uint16_t port, const std::string& token) {
  return Int(At(At(Http(port, "GET", "/api/v1/auth/me", "", token).json, "user"), "id"));
}

TEST_F(UsersApi, AdminCreatesAgentWhoCanLogInButNotAdminister) {
  const std::string admin = Login(port());
  auto created = Http(port(), "POST", "/api/v1/users",
                      json::object{{"email", "Lin@Demo.Lingxi"}, {"name", "林"}, {"password", "agent-pass-1"}, {"role", "agent"}},
                      admin);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Str(At(created.json, "email")), "lin@demo.lingxi");
  EXPECT_EQ(Str(At(created.json, "role")), "agent");
  EXPECT_EQ(At(created.json, "password_hash").is_null(), true);
  const int64_t agent_id = Int(At(created.json, "id"));
  ASSERT_GT(agent_id, 0);

  // Duplicate email (case-insensitive): 409.
  auto dup = Http(port(), "POST", "/api/v1/users",
                  json::object{{"email", "lin@demo.lingxi"}, {"password", "another-pass"}}, admin);
  EXPECT_EQ(dup.status, 409) << dup.body;
  EXPECT_EQ(dup.ErrorCode(), "already_exists");

  auto list = Http(port(), "GET", "/api/v1/users", "", admin);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_GE(Len(At(list.json, "users")), 2u);

  const std::string agent = Login(port(), "lin@demo.lingxi", "agent-pass-1");
  EXPECT_EQ(MyId(port(), agent), agent_id);
  // Roles are enforced by the server.
  EXPECT_EQ(Http(port(), "GET", "/api/v1/users", "", agent).status, 403);
  EXPECT_EQ(Http(port(), "POST", "/api/v1/users", json::object{{"email", "x@y.z"}, {"password", "12345678"}}, agent).status,
            403);
  EXPECT_EQ(Http(port(), "PUT", "/api/v1/users/" + std::to_string(agent_id), json::object{{"role", "admin"}}, agent).status,
            403);
  auto kb_write = Http(port(), "POST", "/api/v1/kb/articles",
                       json::object{{"title", "t"}, {"body", "b"}}, agent);
  EXPECT_EQ(kb_write.status, 403) << kb_write.body;
  EXPECT_EQ(kb_write.ErrorCode(), "permission_denied");
  // Reads are fine for agents.
  EXPECT_EQ(Http(port(), "GET", "/api/v1/kb/articles", "", agent).status, 200);
  EXPECT_EQ(Http(port(), "GET", "/api/v1/conversations", "", agent).status, 200);

  // Any agent sees the active colleagues a conversation can be transferred to (no emails).
  auto dir = Http(port(), "GET", "/api/v1/agents", "", agent);
  ASSERT_EQ(dir.status, 200) << dir.body;
  bool found = false;
  for (const auto& a : At(dir.json, "agents").as_array()) {
    EXPECT_TRUE(At(a, "email").is_null());
    found |= Int(At(a, "id")) == agent_id && Str(At(a, "name")) == "林";
  }
  EXPECT_TRUE(found) << dir.body;

  // Transfer: the admin assigns a conversation to the new agent, who sees it as theirs.
  auto s = StartConversation(port());
  ASSERT_EQ(CustomerSay(port(), s, "转人工").status, 201);
  auto moved = Http(port(), "POST", ConvPath(s.conversation_id, "/assign"), json::object{{"assignee_id", agent_id}}, admin);
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(Int(At(moved.json, "assignee_id")), agent_id);
  auto mine = Http(port(), "GET", "/api/v1/conversations?status=assigned&assignee=me", "", agent);
  ASSERT_EQ(mine.status, 200);
  bool has = false;
  for (const auto& c : At(mine.json, "conversations").as_array()) has |= Int(At(c, "id")) == s.conversation_id;
  EXPECT_TRUE(has) << mine.body;
}

TEST_F(UsersApi, DeactivationLogsOutAndResetPasswordWorks) {
  const std::string admin = Login(port());
  auto created = Http(port(), "POST", "/api/v1/users",
                      json::object{{"email", "wang@demo.lingxi"}, {"password", "first-pass"}}, admin);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path = "/api/v1/users/" + std::to_string(Int(At(created.json, "id")));
  EXPECT_EQ(Str(At(created.json, "name")), "wang");
  EXPECT_EQ(Str(At(created.json, "role")), "agent");

  const std::string t1 = Login(port(), "wang@demo.lingxi", "first-pass");
  ASSERT_EQ(Http(port(), "GET", "/api/v1/auth/me", "", t1).status, 200);

  // Reset the password: the old password and old sessions stop working.
  auto reset = Http(port(), "PUT", path, json::object{{"password", "second-pass"}}, admin);
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(Http(port(), "GET", "/api/v1/auth/me", "", t1).status, 401);
  EXPECT_EQ(Http(port(), "POST", "/api/v1/auth/login",
                 json::object{{"email", "wang@demo.lingxi"}, {"password", "first-pass"}}).status, 401);
  const std::string t2 = Login(port(), "wang@demo.lingxi", "second-pass");
  ASSERT_EQ(Http(port(), "GET", "/api/v1/auth/me", "", t2).status, 200);

  // Deactivate: the token stops working at once and login is refused.
  auto off = Http(port(), "PUT", path, json::object{{"active", false}}, admin);
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(At(off.json, "active"), json::value(false));
  EXPECT_EQ(Http(port(), "GET", "/api/v1/auth/me", "", t2).status, 401);
  EXPECT_EQ(Http(port(), "GET", "/api/v1/conversations", "", t2).status, 401);
  EXPECT_EQ(Http(port(), "POST", "/api/v1/auth/login",
                 json::object{{"email", "wang@demo.lingxi"}, {"password", "second-pass"}}).status, 401);

  // A deactivated agent cannot be given conversations, and disappears from the transfer list.
  const int64_t wang = Int(At(created.json, "id"));
  auto s = StartConversation(port());
  ASSERT_EQ(CustomerSay(port(), s, "转人工").status, 201);
  EXPECT_EQ(Http(port(), "POST", ConvPath(s.conversation_id, "/assign"), json::object{{"assignee_id", wang}}, admin).status,
            409);
  auto dir = Http(port(), "GET", "/api/v1/agents", "", admin);
  ASSERT_EQ(dir.status, 200) << dir.body;
  for (const auto& a : At(dir.json, "agents").as_array()) EXPECT_NE(Int(At(a, "id")), wang);

  // Reactivate and promote.
  auto on = Http(port(), "PUT", path, json::object{{"active", true}, {"role", "admin"}, {"name", "王"}}, admin);
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_EQ(Str(At(on.json, "role")), "admin");
  EXPECT_EQ(Str(At(on.json, "name")), "王");
  const std::string t3 = Login(port(), "wang@demo.lingxi", "second-pass");
  EXPECT_EQ(Http(port(), "GET", "/api/v1/users", "", t3).status, 200);
}

TEST_F(UsersApi, AdminCannotLockThemselvesOutAndInputIsValidated) {
  const std::string admin = Login(port());
  const std::string self = "/api/v1/users/" + std::to_string(MyId(port(), admin));
  auto r1 = Http(port(), "PUT", self, json::object{{"active", false}}, admin);
  EXPECT_EQ(r1.status, 409) << r1.body;
  auto r2 = Http(port(), "PUT", self, json::object{{"role", "agent"}}, admin);
  EXPECT_EQ(r2.status, 409) << r2.body;
  EXPECT_EQ(Http(port(), "GET", "/api/v1/auth/me", "", admin).status, 200);

  auto bad = [&](const std::string& method, const std::string& target, const std::string& body) {
    auto r = Http(port(), method, target, body, admin);
    EXPECT_TRUE(r.status == 400 || r.status == 422) << method << " " << target << " " << body << " -> " << r.status;
    EXPECT_FALSE(r.ErrorCode().empty()) << r.body;
  };
  bad("POST", "/api/v1/users", "{");
  bad("POST", "/api/v1/users", "[]");
  bad("POST", "/api/v1/users", R"({"email":"no-at-sign","password":"12345678"})");
  bad("POST", "/api/v1/users", R"({"email":"a@b.c","password":"short"})");
  bad("POST", "/api/v1/users", R"({"email":"a@b.c","password":"12345678","role":"root"})");
  bad("POST", "/api/v1/users", R"({"email":"a@b.c","password":"12345678","name":"  "})");
  bad("POST", "/api/v1/users", R"({"password":"12345678"})");
  bad("PUT", self, R"({"active":"no"})");
  bad("PUT", "/api/v1/users/abc", R"({})");
  EXPECT_EQ(Http(port(), "PUT", "/api/v1/users/999999", R"({"name":"x"})", admin).status, 404);
  EXPECT_EQ(Http(port(), "GET", "/api/v1/users").status, 401);
}

TEST_F(UsersApi, InboxSettingsAreForAdmins) {
  const std::string admin = Login(port());
  auto r = Http(port(), "GET", "/api/v1/inboxes", "", admin);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(Len(At(r.json, "inboxes")), 1u) << r.body;
  EXPECT_EQ(Str(At(At(At(r.json, "inboxes"), 0), "widget_token")), "demo");
  EXPECT_EQ(Str(At(At(At(r.json, "inboxes"), 0), "channel")), "webchat");
  auto made = Http(port(), "POST", "/api/v1/users",
                   json::object{{"email", "inbox-agent@demo.lingxi"}, {"password", "agent-pass-4"}}, admin);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string agent = Login(port(), "inbox-agent@demo.lingxi", "agent-pass-4");
  EXPECT_EQ(Http(port(), "GET", "/api/v1/inboxes", "", agent).status, 403);
  EXPECT_EQ(Http(port(), "GET", "/api/v1/inboxes").status, 401);
}

TEST_F(UsersApi, CannedRepliesDemoSeedAdminWritesAgentReads) {
  const std::string admin = Login(port());
  auto list = Http(port(), "GET", "/api/v1/canned_replies", "", admin);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_GE(Len(At(list.json, "canned_replies")), 3u) << list.body;  // seeded by --demo

  auto created = Http(port(), "POST", "/api/v1/canned_replies",
                      json::object{{"shortcut", "/发票"}, {"content", "电子发票会在发货后发送到您的邮箱。"}}, admin);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Str(At(created.json, "shortcut")), "发票");  // the leading "/" is not part of it
  const int64_t id = Int(At(created.json, "id"));
  auto dup = Http(port(), "POST", "/api/v1/canned_replies", json::object{{"shortcut", "发票"}, {"content", "x"}}, admin);
  EXPECT_EQ(dup.status, 409) << dup.body;
  for (const char* body : {R"({"shortcut":"","content":"x"})", R"({"shortcut":"a b","content":"x"})",
                           R"({"shortcut":"ok","content":"   "})", R"({"content":"x"})", R"({"shortcut":1,"content":"x"})",
                           "{"}) {
    auto r = Http(port(), "POST", "/api/v1/canned_replies", body, admin);
    EXPECT_TRUE(r.status == 400 || r.status == 422) << body << " -> " << r.status;
  }

  auto made = Http(port(), "POST", "/api/v1/users",
                   json::object{{"email", "canned-agent@demo.lingxi"}, {"password", "agent-pass-2"}}, admin);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string agent = Login(port(), "canned-agent@demo.lingxi", "agent-pass-2");
  EXPECT_EQ(Http(port(), "GET", "/api/v1/canned_replies", "", agent).status, 200);
  EXPECT_EQ(Http(port(), "POST", "/api/v1/canned_replies", json::object{{"shortcut", "z"}, {"content", "z"}}, agent).status, 403);
  EXPECT_EQ(Http(port(), "DELETE", "/api/v1/canned_replies/" + std::to_string(id), "", agent).status, 403);

  EXPECT_EQ(Http(port(), "DELETE", "/api/v1/canned_replies/" + std::to_string(id), "", admin).status, 200);
  EXPECT_EQ(Http(port(), "DELETE", "/api/v1/canned_replies/" + std::to_string(id), "", admin).status, 404);
  EXPECT_EQ(Http(port(), "GET", "/api/v1/canned_replies").status, 401);
}

}  // namespace
}  // namespace lingxi::it
