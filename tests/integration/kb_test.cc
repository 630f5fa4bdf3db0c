// Knowledge-base administration: the bot follows article creation, edits and deletion at once.
#include "harness.h"

namespace lingxi::it {
namespace {

class KnowledgeBaseAdmin : public SharedServerTest {};

constexpr const char* kQuestion = "how long does lingxi moon delivery take to reach the moon?";

// Asks kQuestion in a fresh conversation (no context carried over) and returns the bot reply.
json::value Ask(uint16_t port) {
  auto s = StartConversation(port);
  auto r = CustomerSay(port, s, kQuestion);
  EXPECT_EQ(r.status, 201) << r.body;
  return At(At(r.json, "replies"), 0);
}

bool Cites(const json::value& reply, int64_t article_id) {
  const auto& sources = At(At(reply, "meta"), "sources");
  for (size_t i = 0; i < Len(sources); ++i)
    if (Int(At(At(sources, i), "id")) == article_id) return true;
  return false;
}

TEST_F(KnowledgeBaseAdmin, BotFollowsArticleCreateUpdateAndDelete) {
  const std::string admin = Login(port());
  // Before: nothing in the demo knowledge base knows about moon delivery.
  const json::value before = Ask(port());
  EXPECT_EQ(Str(At(before, "content")).find("Tranquility"), std::string::npos);

  json::object article = {
      {"title", "Lingxi moon delivery"},
      {"body", "Lingxi moon delivery reaches Tranquility Base in 9 days on the Xihe rocket."},
      {"questions", {"how long does moon delivery take", "what is lingxi moon delivery", "ship my parcel to the moon"}},
      {"tags", {"moon", "delivery"}},
      {"language", "en"}};
  auto created = Http(port(), "POST", "/api/v1/kb/articles", article, admin);
  ASSERT_EQ(created.status, 201) << created.body;
  const int64_t id = Int(At(created.json, "id"));
  ASSERT_GT(id, 0);
  EXPECT_EQ(Str(At(created.json, "title")), "Lingxi moon delivery");
  EXPECT_EQ(Len(At(created.json, "questions")), 3u);

  auto fetched = Http(port(), "GET", "/api/v1/kb/articles/" + std::to_string(id), "", admin);
  ASSERT_EQ(fetched.status, 200);
  EXPECT_EQ(Str(At(fetched.json, "body")), Str(At(article, "body")));
  auto list = Http(port(), "GET", "/api/v1/kb/articles", "", admin);
  ASSERT_EQ(list.status, 200);
  bool listed = false;
  for (size_t i = 0; i < Len(At(list.json, "articles")); ++i)
    listed |= Int(At(At(At(list.json, "articles"), i), "id")) == id;
  EXPECT_TRUE(listed);

  json::value answer = Ask(port());
  EXPECT_EQ(Str(At(At(answer, "meta"), "action")), "answer") << json::serialize(answer);
  EXPECT_EQ(Int(At(At(At(At(answer, "meta"), "sources"), 0), "id")), id) << json::serialize(answer);
  EXPECT_NE(Str(At(answer, "content")).find("Tranquility Base"), std::string::npos) << json::serialize(answer);

  auto search = Http(port(), "GET", "/api/v1/kb/search?q=" + UrlEncode("moon delivery time"), "", admin);
  ASSERT_EQ(search.status, 200) << search.body;
  ASSERT_GT(Len(At(search.json, "results")), 0u) << search.body;
  const auto& top = At(At(search.json, "results"), 0);
  EXPECT_EQ(Int(At(top, "id")), id);
  EXPECT_GT(Num(At(top, "score")), 0.0);
  EXPECT_TRUE(At(top, "coverage").is_number());
  EXPECT_TRUE(At(At(search.json, "bot"), "reply").is_string());
  for (size_t i = 1; i < Len(At(search.json, "results")); ++i)
    EXPECT_LE(Num(At(At(At(search.json, "results"), i), "score")), Num(At(top, "score")));

  // Edit: only the body changes; the next answer uses the new text.
  auto updated = Http(port(), "PUT", "/api/v1/kb/articles/" + std::to_string(id),
                      json::object{{"body", "Lingxi moon delivery now takes 3 days on the Chang'e shuttle to Shackleton."}},
                      admin);
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(Str(At(updated.json, "title")), "Lingxi moon delivery");
  EXPECT_EQ(Len(At(updated.json, "questions")), 3u);
  answer = Ask(port());
  EXPECT_TRUE(Cites(answer, id)) << json::serialize(answer);
  EXPECT_NE(Str(At(answer, "content")).find("Shackleton"), std::string::npos) << json::serialize(answer);
  EXPECT_EQ(Str(At(answer, "content")).find("Tranquility"), std::string::npos) << json::serialize(answer);

  // Invalid edits are rejected and change nothing.
  auto bad = Http(port(), "PUT", "/api/v1/kb/articles/" + std::to_string(id), json::object{{"title", "  "}}, admin);
  EXPECT_EQ(bad.status, 422) << bad.body;
  auto missing = Http(port(), "POST", "/api/v1/kb/articles", json::object{{"title", "no body"}}, admin);
  EXPECT_EQ(missing.status, 422) << missing.body;

  auto deleted = Http(port(), "DELETE", "/api/v1/kb/articles/" + std::to_string(id), "", admin);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(At(deleted.json, "deleted"), json::value(true));
  EXPECT_EQ(Http(port(), "GET", "/api/v1/kb/articles/" + std::to_string(id), "", admin).status, 404);
  EXPECT_EQ(Http(port(), "DELETE", "/api/v1/kb/articles/" + std::to_string(id), "", admin).status, 404);
  answer = Ask(port());
  EXPECT_FALSE(Cites(answer, id)) << json::serialize(answer);
  EXPECT_EQ(Str(At(answer, "content")).find("Shackleton"), std::string::npos) << json::serialize(answer);
  auto after = Http(port(), "GET", "/api/v1/kb/search?q=" + UrlEncode("moon delivery time"), "", admin);
  ASSERT_EQ(after.status, 200);
  for (size_t i = 0; i < Len(At(after.json, "results")); ++i)
    EXPECT_NE(Int(At(At(At(after.json, "results"), i), "id")), id);
}

TEST_F(KnowledgeBaseAdmin, SearchFindsDemoArticlesInBothLanguages) {
  const std::string admin = Login(port());
  for (const char* q : {"退款多久到账", "refund"}) {
    auto r = Http(port(), "GET", "/api/v1/kb/search?q=" + UrlEncode(q) + "&limit=3", "", admin);
    ASSERT_EQ(r.status, 200) << q << r.body;
    EXPECT_GT(Len(At(r.json, "results")), 0u) << q;
    EXPECT_LE(Len(At(r.json, "results")), 3u) << q;
    EXPECT_GT(Num(At(At(At(r.json, "results"), 0), "score")), 0.0) << q;
  }
  EXPECT_EQ(Http(port(), "GET", "/api/v1/kb/search?q=refund").status, 401);
  EXPECT_EQ(Http(port(), "GET", "/api/v1/kb/search?q=%20", "", admin).status, 422);
}

}  // namespace
}  // namespace lingxi::it
