// Tenant isolation and widget-token checks. Two workspaces on one server: the demo one and one
// created with `lingxi init` before the server starts.
#include <fstream>
#include <set>
#include <sstream>

#include "core/clock.h"
#include "core/crypto.h"
#include "harness.h"

namespace lingxi::it {
namespace {

constexpr const char* kOtherEmail = "admin@other.example";
constexpr const char* kOtherPassword = "other-secret-123";

// Signs widget claims with the server's secret (read from the data dir), so the test can make
// tokens the server must accept -- or reject only because of what they say.
std::string SignWidgetToken(const std::string& data_dir, int64_t account, int64_t conversation, int64_t contact,
                            int64_t expires_at_ms) {
  std::ifstream in(data_dir + "/secret.key", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string key = ss.str();
  EXPECT_GE(key.size(), 32u) << "no secret.key in " << data_dir;
  const std::string body = Base64UrlEncode("w1." + std::to_string(account) + "." + std::to_string(conversation) + "." +
                                           std::to_string(contact) + "." + std::to_string(expires_at_ms));
  return body + "." + HmacSha256(key, body);
}

std::set<int64_t> Ids(const json::value& array, std::string_view id_key = "id") {
  std::set<int64_t> out;
  for (size_t i = 0; i < Len(array); ++i) out.insert(Int(At(At(array, i), id_key)));
  return out;
}

class TenantIsolation : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    // Mixed case on purpose: logins are case-insensitive.
    other_widget_ = InitTenant(server_.data_dir(), "Other Co", "Admin@Other.Example", kOtherPassword);
    ASSERT_FALSE(other_widget_.empty());
    server_.Start();
  }
  void TearDown() override {
    if (server_.running()) {
      EXPECT_EQ(server_.Stop(), 0) << server_.LogTail();
    }
  }
  uint16_t port() const { return server_.port(); }

  TempDir dir_;
  ServerProcess server_{dir_.path()};
  std::string other_widget_;
};

TEST_F(TenantIsolation, AgentsOnlySeeTheirOwnWorkspace) {
  auto a = StartConversation(port());
  ASSERT_EQ(CustomerSay(port(), a, "how long does a refund take?").status, 201);
  const std::string demo = Login(port());
  const std::string other = Login(port(), kOtherEmail, kOtherPassword);
  auto c = StartConversation(port(), other_widget_);  // a conversation of the other workspace

  const auto demo_detail = Http(port(), "GET", ConvPath(a.conversation_id), "", demo);
  ASSERT_EQ(demo_detail.status, 200);
  const int64_t contact_id = Int(At(At(demo_detail.json, "contact"), "id"));
  const auto demo_articles = Http(port(), "GET", "/api/v1/kb/articles", "", demo);
  ASSERT_EQ(demo_articles.status, 200);
  const std::set<int64_t> demo_article_ids = Ids(At(demo_articles.json, "articles"));
  ASSERT_FALSE(demo_article_ids.empty());
  const int64_t article = *demo_article_ids.begin();
  const std::string article_path = "/api/v1/kb/articles/" + std::to_string(article);
  const std::string article_title = Str(At(Http(port(), "GET", article_path, "", demo).json, "title"));

  // The other workspace's admin cannot read or act on the demo conversation.
  EXPECT_EQ(Http(port(), "GET", ConvPath(a.conversation_id), "", other).status, 404);
  EXPECT_EQ(Http(port(), "POST", ConvPath(a.conversation_id, "/assign"), "", other).status, 404);
  EXPECT_EQ(Http(port(), "POST", ConvPath(a.conversation_id, "/messages"), json::object{{"content", "hi"}}, other).status, 404);
  EXPECT_EQ(Http(port(), "POST", ConvPath(a.conversation_id, "/resolve"), "", other).status, 404);
  EXPECT_EQ(Http(port(), "GET", "/api/v1/contacts/" + std::to_string(contact_id), "", other).status, 404);
  auto other_list = Http(port(), "GET", "/api/v1/conversations", "", other);
  ASSERT_EQ(other_list.status, 200);
  const auto other_convs = Ids(At(other_list.json, "conversations"));
  EXPECT_EQ(other_convs.count(a.conversation_id), 0u);
  EXPECT_EQ(other_convs.count(c.conversation_id), 1u);
  EXPECT_EQ(Ids(At(Http(port(), "GET", "/api/v1/conversations", "", demo).json, "conversations")).count(c.conversation_id), 0u);
  EXPECT_EQ(Http(port(), "GET", ConvPath(c.conversation_id), "", demo).status, 404);

  // ... nor see or change its knowledge base.
  auto other_articles = Http(port(), "GET", "/api/v1/kb/articles", "", other);
  ASSERT_EQ(other_articles.status, 200);
  for (int64_t id : Ids(At(other_articles.json, "articles"))) EXPECT_EQ(demo_article_ids.count(id), 0u) << id;
  EXPECT_EQ(Http(port(), "GET", article_path, "", other).status, 404);
  EXPECT_EQ(Http(port(), "PUT", article_path, json::object{{"title", "hijacked"}}, other).status, 404);
  EXPECT_EQ(Http(port(), "DELETE", article_path, "", other).status, 404);
  auto search = Http(port(), "GET", "/api/v1/kb/search?q=refund", "", other);
  ASSERT_EQ(search.status, 200);
  EXPECT_EQ(Len(At(search.json, "results")), 0u) << search.body;

  // The demo data is untouched.
  auto still = Http(port(), "GET", article_path, "", demo);
  ASSERT_EQ(still.status, 200);
  EXPECT_EQ(Str(At(still.json, "title")), article_title);
  auto demo_after = Http(port(), "GET", ConvPath(a.conversation_id), "", demo);
  ASSERT_EQ(demo_after.status, 200);
  EXPECT_EQ(Str(At(demo_after.json, "status")), "bot");
  EXPECT_EQ(Len(At(demo_after.json, "messages")), 2u);
  // ... and the demo conversation still works normally after the foreign attempts.
  auto next = CustomerSay(port(), a, "退款多久到账");
  ASSERT_EQ(next.status, 201) << next.body;
  EXPECT_EQ(Len(At(next.json, "replies")), 1u);
}

TEST_F(TenantIsolation, WidgetTokensAreBoundToOneConversationAndVerified) {
  auto a = StartConversation(port());
  auto b = StartConversation(port());
  ASSERT_NE(a.conversation_id, b.conversation_id);
  const std::string demo = Login(port());
  const int64_t demo_account = Int(At(At(Http(port(), "GET", "/api/v1/auth/me", "", demo).json, "user"), "account_id"));
  const std::string other = Login(port(), kOtherEmail, kOtherPassword);
  const int64_t other_account = Int(At(At(Http(port(), "GET", "/api/v1/auth/me", "", other).json, "user"), "account_id"));
  const int64_t a_contact = Int(At(At(Http(port(), "GET", ConvPath(a.conversation_id), "", demo).json, "contact"), "id"));
  ASSERT_NE(demo_account, other_account);

  // A's token on B's conversation.
  EXPECT_EQ(Http(port(), "GET", WidgetPath(b.conversation_id), "", a.token).status, 403);
  EXPECT_EQ(Http(port(), "GET", WidgetPath(b.conversation_id, "/messages"), "", a.token).status, 403);
  EXPECT_EQ(CustomerSay(port(), WidgetSession{b.conversation_id, a.token}, "hello").status, 403);
  EXPECT_EQ(Http(port(), "POST", WidgetPath(b.conversation_id, "/handoff"), "", a.token).status, 403);

  // Tampered, garbage and missing tokens.
  std::string forged = a.token;
  const size_t pos = forged.find('.') / 2;
  forged[pos] = forged[pos] == 'A' ? 'B' : 'A';
  auto r = Http(port(), "GET", WidgetPath(a.conversation_id), "", forged);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.ErrorCode(), "unauthenticated") << r.body;
  std::string bad_mac = a.token;
  bad_mac.back() = bad_mac.back() == 'x' ? 'y' : 'x';
  EXPECT_EQ(Http(port(), "GET", WidgetPath(a.conversation_id), "", bad_mac).status, 401);
  for (const std::string& garbage : std::vector<std::string>{"garbage", "a.b", ".", "w1.1.1.1.1", std::string(600, 'z')})
    EXPECT_EQ(Http(port(), "GET", WidgetPath(a.conversation_id), "", garbage).status, 401) << garbage;
  EXPECT_EQ(Http(port(), "GET", WidgetPath(a.conversation_id)).status, 401);
  EXPECT_EQ(Http(port(), "GET", WidgetPath(a.conversation_id, "?token=" + UrlEncode(a.token))).status, 200);
  // Agent session tokens are not widget tokens and vice versa.
  EXPECT_EQ(Http(port(), "GET", WidgetPath(a.conversation_id), "", demo).status, 401);
  EXPECT_EQ(Http(port(), "GET", "/api/v1/conversations", "", a.token).status, 401);

  // Correctly signed tokens: valid claims work; expired ones and foreign-account claims do not.
  const std::string data = server_.data_dir();
  const int64_t now = NowMillis();
  auto good = SignWidgetToken(data, demo_account, a.conversation_id, a_contact, now + 3600'000);
  EXPECT_EQ(Http(port(), "GET", WidgetPath(a.conversation_id), "", good).status, 200) << "token format changed?";
  auto expired = SignWidgetToken(data, demo_account, a.conversation_id, a_contact, now - 1000);
  auto er = Http(port(), "GET", WidgetPath(a.conversation_id), "", expired);
  EXPECT_EQ(er.status, 401) << er.body;
  auto foreign = SignWidgetToken(data, other_account, a.conversation_id, a_contact, now + 3600'000);
  EXPECT_EQ(Http(port(), "GET", WidgetPath(a.conversation_id), "", foreign).status, 404);
  EXPECT_EQ(CustomerSay(port(), WidgetSession{a.conversation_id, foreign}, "hi").status, 404);
  auto wrong_contact = SignWidgetToken(data, demo_account, a.conversation_id, a_contact + 1000, now + 3600'000);
  EXPECT_EQ(CustomerSay(port(), WidgetSession{a.conversation_id, wrong_contact}, "hi").status, 403);
  EXPECT_EQ(CustomerMessages(port(), a).size(), 0u);

  // WebSocket upgrades check the same way.
  EXPECT_THROW(WsClient(port(), "/api/v1/widget/ws?token=" + UrlEncode(forged), 3s), std::runtime_error);
  EXPECT_THROW(WsClient(port(), "/api/v1/widget/ws?token=" + UrlEncode(expired), 3s), std::runtime_error);
  EXPECT_THROW(WsClient(port(), "/api/v1/widget/ws", 3s), std::runtime_error);
  EXPECT_THROW(WsClient(port(), "/api/v1/ws?token=garbage", 3s), std::runtime_error);
  EXPECT_THROW(WsClient(port(), "/api/v1/ws?token=" + UrlEncode(a.token), 3s), std::runtime_error);
}

}  // namespace
}  // namespace lingxi::it
