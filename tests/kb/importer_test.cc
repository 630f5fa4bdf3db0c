#include "kb/importer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>

#include "core/utf8.h"

namespace lingxi::kb {
namespace {

using ::testing::HasSubstr;

constexpr char kZhArticle[] =
    "---\n"
    "title: 包裹显示已签收但没收到怎么办\n"
    "language: zh\n"
    "tags: [delivery, 签收]\n"
    "questions:\n"
    "  - 快递显示签收了但我没收到\n"
    "  - \"显示已送达但是没拿到\"\n"
    "  - '签收了, 没''收到'\n"
    "owner: ops-team\n"
    "---\n"
    "先查看物流信息里的取件码。\n\n再联系我们。\n";

TEST(ParseMarkdownArticle, ParsesInlineAndBlockLists) {
  auto r = ParseMarkdownArticle(kZhArticle);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->title, "包裹显示已签收但没收到怎么办");
  EXPECT_EQ(r->language, "zh");
  EXPECT_EQ(r->tags, (std::vector<std::string>{"delivery", "签收"}));
  EXPECT_EQ(r->questions, (std::vector<std::string>{"快递显示签收了但我没收到",
                                                    "显示已送达但是没拿到", "签收了, 没'收到"}));
  EXPECT_EQ(r->body, "先查看物流信息里的取件码。\n\n再联系我们。");
}

TEST(ParseMarkdownArticle, ParsesQuotedScalarsAndQuotedInlineItems) {
  auto r = ParseMarkdownArticle(
      "---\ntitle: \"Returns: how \\\"fast\\\"?\"\ntags: ['a, b', \"c\", d ]\nquestions: [ "
      "]\n---\nBody\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->title, "Returns: how \"fast\"?");
  EXPECT_EQ(r->tags, (std::vector<std::string>{"a, b", "c", "d"}));
  EXPECT_TRUE(r->questions.empty());
  EXPECT_EQ(r->language, "en");  // defaulted: no CJK in title
}

TEST(ParseMarkdownArticle, DefaultsLanguageFromTitle) {
  auto r = ParseMarkdownArticle("---\ntitle: 退货政策\n---\nx\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->language, "zh");
}

TEST(ParseMarkdownArticle, AcceptsCrlfAndBom) {
  auto r = ParseMarkdownArticle(
      "\xEF\xBB\xBF---\r\ntitle: Refunds\r\nquestions:\r\n- where's my refund\r\n- how long for "
      "refund\r\n"
      "---\r\nLine one\r\nLine two\r\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->title, "Refunds");
  EXPECT_EQ(r->questions, (std::vector<std::string>{"where's my refund", "how long for refund"}));
  EXPECT_EQ(r->body, "Line one\nLine two");
}

TEST(ParseMarkdownArticle, RejectsMissingTitleNamingLine) {
  auto r = ParseMarkdownArticle("---\nlanguage: en\n---\nBody\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("line 1"));
  EXPECT_THAT(r.status().message(), HasSubstr("title"));
}

TEST(ParseMarkdownArticle, RejectsInvalidUtf8NamingLine) {
  auto r = ParseMarkdownArticle("---\ntitle: ok\ntags: [bad\xC3]\n---\nBody\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("line 3"));
  EXPECT_THAT(r.status().message(), HasSubstr("UTF-8"));
}

TEST(ParseMarkdownArticle, RejectsMalformedFrontMatter) {
  struct Case {
    const char* text;
    const char* expect;
  };
  const Case cases[] = {
      {"no front matter\n", "line 1"},
      {"---\ntitle: x\n", "not closed"},
      {"---\ntitle: x\n---\n  \n", "empty body"},
      {"---\ntitle: x\njust text\n---\nb\n", "line 3"},
      {"---\n- orphan\ntitle: x\n---\nb\n", "line 2"},
      {"---\ntitle: \"open\n---\nb\n", "line 2: unterminated"},
      {"---\ntitle: x\ntags: [a, b\n---\nb\n", "line 3"},
      {"---\ntitle: x\ntitle: y\n---\nb\n", "duplicate"},
      {"---\ntitle:\n  - a\n---\nb\n", "single value"},
      {"---\ntitle: x\n  continued\n---\nb\n", "line 3"},
      {"---\ntitle: x\nlanguage: \"zh cn!\"\n---\nb\n", "language"},
  };
  for (const auto& c : cases) {
    auto r = ParseMarkdownArticle(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(r.status().message(), HasSubstr(c.expect)) << c.text;
  }
}

TEST(ParseMarkdownArticle, IgnoresUnknownKeysWithNestedValues) {
  auto r = ParseMarkdownArticle("---\ntitle: x\nmeta:\n  owner: a\n  - b\n# comment\n---\nbody\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->tags.empty());
}

TEST(ParseMarkdownArticle, EnforcesLimits) {
  std::string long_title(201, 'a');
  EXPECT_FALSE(ParseMarkdownArticle("---\ntitle: " + long_title + "\n---\nb\n").ok());
  std::string cjk_title;
  for (int i = 0; i < 200; ++i) cjk_title += "退";  // 200 code points, 600 bytes: allowed
  EXPECT_TRUE(ParseMarkdownArticle("---\ntitle: " + cjk_title + "\n---\nb\n").ok());

  std::string many = "---\ntitle: x\nquestions:\n";
  for (int i = 0; i < 51; ++i) many += "  - q" + std::to_string(i) + "\n";
  auto r = ParseMarkdownArticle(many + "---\nb\n");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("questions"));

  std::string tags = "---\ntitle: x\ntags: [";
  for (int i = 0; i < 21; ++i) tags += "t" + std::to_string(i) + ",";
  EXPECT_FALSE(ParseMarkdownArticle(tags + "]\n---\nb\n").ok());

  std::string body(20001, 'b');
  EXPECT_FALSE(ParseMarkdownArticle("---\ntitle: x\n---\n" + body).ok());
  EXPECT_TRUE(ParseMarkdownArticle("---\ntitle: x\n---\n" + body.substr(1)).ok());

  std::string huge = "---\ntitle: x\n---\n" + std::string(kMaxArticleFileBytes, 'b');
  EXPECT_FALSE(ParseMarkdownArticle(huge).ok());
}

TEST(ParseMarkdownArticle, NeverCrashesOnTruncatedInput) {
  const std::string text = kZhArticle;
  for (size_t n = 0; n <= text.size(); ++n) {
    auto r = ParseMarkdownArticle(std::string_view(text).substr(0, n));
    if (r.ok()) {
      EXPECT_TRUE(IsValidUtf8(r->title));
      EXPECT_FALSE(r->body.empty());
    }
  }
}

TEST(ParseMarkdownArticle, SurvivesRandomByteMutations) {
  std::mt19937 rng(42);  // fixed seed: reproducible
  const std::string base = kZhArticle;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text = base;
    for (int k = 0; k < 4; ++k) text[rng() % text.size()] = static_cast<char>(rng() % 256);
    auto md = ParseMarkdownArticle(text);
    if (md.ok()) {
      EXPECT_TRUE(IsValidUtf8(md->title) && IsValidUtf8(md->body));
    }
    auto csv = ParseCsvArticles(text);
    if (csv.ok()) {
      for (const auto& a : *csv) EXPECT_TRUE(IsValidUtf8(a.title));
    }
  }
}

TEST(ParseCsvArticles, ParsesQuotedFieldsWithNewlineCommaAndQuote) {
  const char* csv =
      "\xEF\xBB\xBFQuestion,Answer,Tags,Language,Questions,Extra\r\n"
      "How long for refund?,\"Refunds take 1-7 days,\r\ndepending on \"\"method\"\".\","
      "refund|payment;billing,en,where's my refund|refund status,ignored\r\n"
      "\r\n"
      "退款多久到账,原路退回，1-7个工作日。,退款,,退款什么时候到|钱什么时候退回来,x\n";
  auto r = ParseCsvArticles(csv);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  const auto& a = (*r)[0];
  EXPECT_EQ(a.title, "How long for refund?");
  EXPECT_EQ(a.body, "Refunds take 1-7 days,\ndepending on \"method\".");  // CR stripped
  EXPECT_EQ(a.tags, (std::vector<std::string>{"refund", "payment", "billing"}));
  EXPECT_EQ(a.questions, (std::vector<std::string>{"How long for refund?", "where's my refund",
                                                   "refund status"}));
  EXPECT_EQ(a.language, "en");
  const auto& b = (*r)[1];
  EXPECT_EQ(b.language, "zh");  // defaulted from CJK title
  EXPECT_EQ(b.questions.size(), 3u);
}

TEST(ParseCsvArticles, UsesTitleColumnWhenPresent) {
  auto r =
      ParseCsvArticles("title,question,answer\nRefund timing,how long,Days\n,fallback q,Body\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].title, "Refund timing");
  EXPECT_EQ((*r)[1].title, "fallback q");
}

TEST(ParseCsvArticles, RejectsMalformedInputNamingRow) {
  struct Case {
    std::string text;
    std::string expect;
  };
  const Case cases[] = {
      {"", "row 1"},
      {"question,tags\nq,t\n", "answer"},
      {"answer\na\n", "question"},
      {"question,answer\nq,a\nq2,a2,extra\n", "row 3"},
      {"question,answer\nq,\"unterminated\n", "row 2: unterminated"},
      {"question,answer\nq,\"a\"x\n", "row 2"},
      {"question,answer\nq,a\"b\n", "row 2"},
      {"question,answer\nq,a\nq,bad\xFF\n", "row 3: invalid UTF-8"},
      {"question,answer\nq,\n", "row 2: empty body"},
      {"question,answer\n,a\n", "row 2: empty question"},
      {"question,answer,question\nq,a,q\n", "duplicate"},
  };
  for (const auto& c : cases) {
    auto r = ParseCsvArticles(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(r.status().message(), HasSubstr(c.expect)) << c.text;
  }
}

TEST(ParseCsvArticles, NeverCrashesOnTruncatedInput) {
  const std::string csv = "question,answer,tags\n\"a,\"\"b\"\"\",\"x\ny\",t1|t2\n退款,多久,\n";
  for (size_t n = 0; n <= csv.size(); ++n)
    (void)ParseCsvArticles(std::string_view(csv).substr(0, n));
}

class LoadArticlesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(LINGXI_BINARY_DIR) / "kb_test_tmp" /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "sub");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& rel, const std::string& content) {
    std::ofstream(dir_ / rel, std::ios::binary) << content;
  }
  std::filesystem::path dir_;
};

TEST_F(LoadArticlesTest, LoadsMarkdownRecursivelyInPathOrderWithProgress) {
  Write("b.md", "---\ntitle: B\n---\nb\n");
  Write("sub/a.md", "---\ntitle: A\n---\na\n");
  Write("notes.txt", "ignored");
  std::vector<std::pair<size_t, size_t>> progress;
  auto r = LoadArticles(dir_.string(), [&](size_t d, size_t t) { progress.emplace_back(d, t); });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].title, "B");  // "b.md" < "sub/a.md"
  EXPECT_EQ((*r)[1].title, "A");
  EXPECT_EQ(progress, (std::vector<std::pair<size_t, size_t>>{{1, 2}, {2, 2}}));
}

TEST_F(LoadArticlesTest, ErrorNamesFileAndLine) {
  Write("sub/bad.md", "---\ntitle: x\ntags: [a\n---\nb\n");
  auto r = LoadArticles(dir_.string(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("bad.md"));
  EXPECT_THAT(r.status().message(), HasSubstr("line 3"));
}

TEST_F(LoadArticlesTest, LoadsCsvAndRejectsOversizedOrUnknownFiles) {
  Write("faq.csv", "question,answer\nq1,a1\nq2,a2\n");
  auto r = LoadArticles((dir_ / "faq.csv").string(), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->size(), 2u);

  Write("big.md", "---\ntitle: x\n---\n" + std::string(kMaxArticleFileBytes, 'b'));
  auto big = LoadArticles(dir_.string(), {});
  ASSERT_FALSE(big.ok());
  EXPECT_THAT(big.status().message(), HasSubstr("big.md"));

  Write("x.json", "{}");
  EXPECT_EQ(LoadArticles((dir_ / "x.json").string(), {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadArticles((dir_ / "missing").string(), {}).status().code(), StatusCode::kNotFound);
}

TEST(DemoKnowledgeBase, AllArticlesParseInBothLanguages) {
  const std::string dir = std::string(LINGXI_SOURCE_DIR) + "/data/demo/kb";
  size_t last_total = 0;
  auto r = LoadArticles(dir, [&](size_t, size_t total) { last_total = total; });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GE(r->size(), 40u);
  EXPECT_EQ(last_total, r->size());
  size_t zh = 0, en = 0;
  std::set<std::string> titles;
  for (const auto& a : *r) {
    zh += a.language == "zh";
    en += a.language == "en";
    EXPECT_GE(a.questions.size(), 4u) << a.title;
    EXPECT_LE(a.questions.size(), 8u) << a.title;
    EXPECT_FALSE(a.tags.empty()) << a.title;
    EXPECT_TRUE(titles.insert(a.title).second) << "duplicate title " << a.title;
  }
  EXPECT_GE(zh, 20u);
  EXPECT_GE(en, 20u);

  auto csv = LoadArticles(std::string(LINGXI_SOURCE_DIR) + "/data/demo/kb-sample.csv", {});
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  EXPECT_EQ(csv->size(), 5u);
}

}  // namespace
}  // namespace lingxi::kb
