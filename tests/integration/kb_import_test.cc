// POST /api/v1/kb/import: Markdown and CSV uploads from the console, admin only, all or nothing.
#include "harness.h"

namespace lingxi::it {
namespace {

class KbImport : public SharedServerTest {};

TEST_F(KbImport, MarkdownAndCsvImportChangeTheBotsAnswers) {
  const std::string admin = Login(port());
  const std::string md =
      "---\ntitle: 星空会员卡怎么办理\nquestions:\n  - 星空会员卡在哪里办\ntags: [membership]\n---\n"
      "星空会员卡可在 App「我的」页面免费办理，办理后立享 95 折。\n";
  auto r = Http(port(), "POST", "/api/v1/kb/import", json::object{{"format", "markdown"}, {"content", md}}, admin);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Int(At(r.json, "imported")), 1);
  EXPECT_EQ(Len(At(r.json, "errors")), 0u);

  const std::string csv =
      "question,answer,tags\n"
      "How do I register a Stardust loyalty card?,Open the app and tap Stardust card under Me; it is free.,loyalty\n"
      "\"Can I pause my Stardust subscription, please?\",\"Yes, pause it for up to 90 days in Settings.\",loyalty|subscription\n";
  r = Http(port(), "POST", "/api/v1/kb/import", json::object{{"format", "csv"}, {"content", csv}}, admin);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Int(At(r.json, "imported")), 2);
  EXPECT_EQ(Len(At(r.json, "articles")), 2u);

  // The bot uses the new articles at once.
  auto s = StartConversation(port());
  auto answer = CustomerSay(port(), s, "星空会员卡在哪里办");
  ASSERT_EQ(answer.status, 201) << answer.body;
  EXPECT_NE(Str(At(At(At(answer.json, "replies"), 0), "content")).find("95 折"), std::string::npos) << answer.body;
  auto search = Http(port(), "GET", "/api/v1/kb/search?q=" + UrlEncode("pause my Stardust subscription"), "", admin);
  ASSERT_EQ(search.status, 200);
  EXPECT_NE(search.body.find("90 days"), std::string::npos) << search.body;
}

TEST_F(KbImport, BadFilesImportNothingAndAgentsAreRefused) {
  const std::string admin = Login(port());
  const size_t before = Len(At(Http(port(), "GET", "/api/v1/kb/articles", "", admin).json, "articles"));
  auto bad = [&](const json::object& body) {
    auto r = Http(port(), "POST", "/api/v1/kb/import", body, admin);
    EXPECT_EQ(r.status, 422) << json::serialize(body) << " -> " << r.body;
    EXPECT_FALSE(r.ErrorCode().empty());
  };
  bad({{"format", "markdown"}, {"content", "no front matter"}});
  bad({{"format", "csv"}, {"content", "question,answer\nok,fine\nmissing answer\n"}});
  bad({{"format", "csv"}, {"content", "title\nx\n"}});
  bad({{"format", "pdf"}, {"content", "x"}});
  bad({{"content", "x"}});
  bad({{"format", "csv"}});
  EXPECT_EQ(Len(At(Http(port(), "GET", "/api/v1/kb/articles", "", admin).json, "articles")), before);

  auto made = Http(port(), "POST", "/api/v1/users",
                   json::object{{"email", "import-agent@demo.lingxi"}, {"password", "agent-pass-3"}}, admin);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string agent = Login(port(), "import-agent@demo.lingxi", "agent-pass-3");
  EXPECT_EQ(Http(port(), "POST", "/api/v1/kb/import",
                 json::object{{"format", "csv"}, {"content", "question,answer\nq,a\n"}}, agent).status, 403);
  EXPECT_EQ(Http(port(), "POST", "/api/v1/kb/import", R"({"format":"csv","content":"question,answer\nq,a\n"})").status, 401);
}

}  // namespace
}  // namespace lingxi::it
