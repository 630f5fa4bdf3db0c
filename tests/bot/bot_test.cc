#include "bot/bot.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>

#include "core/crypto.h"
#include "kb/importer.h"
#include "nlu/normalizer.h"

namespace lingxi::bot {
namespace {

namespace fs = std::filesystem;

// The demo knowledge base in a real SQLite store, shared by the cases below.
class DemoBot : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(InitCrypto().ok());
    dir_ = fs::temp_directory_path() / ("lingxi_bot_test_" + RandomToken(6));
    fs::create_directories(dir_);
    store::StoreOptions so;
    so.path = (dir_ / "t.db").string();
    auto st = store::OpenSqliteStore(so);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(st).value().release();
    auto articles = kb::LoadArticles(std::string(LINGXI_SOURCE_DIR) + "/data/demo/kb", {});
    ASSERT_TRUE(articles.ok()) << articles.status().ToString();
    ASSERT_TRUE(store_->WriteSync([&](store::WriteTx& tx) -> Status {
      LINGXI_ASSIGN_OR_RETURN(account_, tx.InsertAccount({0, "demo", 0}));
      for (auto a : *articles) {
        a.account_id = account_;
        LINGXI_RETURN_IF_ERROR(tx.InsertArticle(a).status());
      }
      return Status::Ok();
    }).ok());
    auto norm = nlu::Normalizer::Create();
    ASSERT_TRUE(norm.ok());
    kb_ = new kb::KnowledgeBase(store_, *norm);
    bot_ = new Bot(kb_);
  }
  static void TearDownTestSuite() {
    delete bot_;
    delete kb_;
    store_->Close();
    delete store_;
    fs::remove_all(dir_);
  }

  static inline fs::path dir_;
  static inline store::Store* store_ = nullptr;
  static inline kb::KnowledgeBase* kb_ = nullptr;
  static inline Bot* bot_ = nullptr;
  static inline domain::Id account_ = 0;
};

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST_F(DemoBot, DataDrivenCases) {
  std::ifstream in(std::string(LINGXI_TEST_DATA_DIR) + "/bot/demo_cases.jsonl");
  ASSERT_TRUE(in) << "missing tests/data/bot/demo_cases.jsonl";
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++n;
    auto o = boost::json::parse(line).as_object();
    TurnInput t;
    t.text = std::string(o.at("text").as_string());
    if (auto* h = o.if_contains("history")) {
      for (const auto& m : h->as_array()) t.history.emplace_back(m.as_string());
      // The previous answered question is the topic of a follow-up.
      t.last_topic_query = t.history.back();
    }
    Decision d = bot_->Decide(account_, t);
    std::string want = std::string(o.at("action").as_string());
    std::string got = d.action == Action::kAnswer ? "answer" : d.action == Action::kSmallTalk ? "small_talk" : "handoff";
    SCOPED_TRACE("case: " + line + "\nmeta: " + d.MetaJson());
    EXPECT_EQ(got, want);
    if (auto* r = o.if_contains("reason")) {
      EXPECT_EQ(d.handoff_reason, r->as_string());
    }
    if (auto* s = o.if_contains("source")) {
      ASSERT_FALSE(d.sources.empty());
      const auto* art = (*kb_->Get(account_))->Find(d.sources[0].id);
      ASSERT_NE(art, nullptr);
      std::string hay = Lower(art->title);
      for (const auto& tag : art->tags) hay += " " + Lower(tag);
      EXPECT_NE(hay.find(std::string(s->as_string())), std::string::npos) << "answered from: " << art->title;
    }
    if (o.contains("context")) {
      EXPECT_TRUE(d.used_context);
    }
    if (d.action == Action::kAnswer) {
      EXPECT_GE(d.confidence, bot_->options().answer_threshold);
      EXPECT_FALSE(d.reply.empty());
    }
    if (d.action == Action::kHandoff) {
      EXPECT_FALSE(d.summary.empty());
    }
  }
  EXPECT_GE(n, 20);
}

TEST_F(DemoBot, AnswersInTheCustomersLanguage) {
  TurnInput zh{"退款多久到账", {}, {}, ""};
  TurnInput en{"how long does a refund take", {}, {}, ""};
  Decision a = bot_->Decide(account_, zh), b = bot_->Decide(account_, en);
  EXPECT_EQ(a.language, "zh");
  EXPECT_EQ(b.language, "en");
  ASSERT_FALSE(a.sources.empty());
  ASSERT_FALSE(b.sources.empty());
  EXPECT_EQ((*kb_->Get(account_))->Find(a.sources[0].id)->language, "zh");
  EXPECT_EQ((*kb_->Get(account_))->Find(b.sources[0].id)->language, "en");
}

TEST_F(DemoBot, MetaRecordsWhy) {
  Decision d = bot_->Decide(account_, {"怎么开发票", {}, {}, ""});
  auto meta = boost::json::parse(d.MetaJson()).as_object();
  EXPECT_EQ(meta.at("action"), "answer");
  EXPECT_GT(meta.at("confidence").as_double(), 0.5);
  ASSERT_EQ(meta.at("sources").as_array().size(), 1u);
  EXPECT_TRUE(meta.at("sources").as_array()[0].as_object().contains("title"));
}

TEST_F(DemoBot, HandoffSummaryQuotesTheCustomer) {
  Decision d = bot_->Decide(account_, {"转人工", {"我的订单还没发货"}, {}, ""});
  ASSERT_EQ(d.action, Action::kHandoff);
  EXPECT_NE(d.summary.find("我的订单还没发货"), std::string::npos);
  EXPECT_NE(d.summary.find("转人工原因"), std::string::npos);
}

// Sentiment (nlu::AnalyzeSentiment) feeds the policy: complaints and threats go to people with a
// summary that says so; urgency is recorded for agents; "I won't complain" is not a complaint.
TEST_F(DemoBot, ComplaintsAndUrgencyReachTheAgent) {
  Decision c = bot_->Decide(account_, {"I will report you to consumer protection", {}, {}, ""});
  ASSERT_EQ(c.action, Action::kHandoff);
  EXPECT_EQ(c.handoff_reason, "negative_sentiment");
  EXPECT_TRUE(c.complaint);
  EXPECT_NE(c.summary.find("complaint"), std::string::npos) << c.summary;
  EXPECT_TRUE(boost::json::parse(c.MetaJson()).as_object().at("complaint").as_bool());

  Decision calm = bot_->Decide(account_, {"我不会投诉你们的，就想问问退款多久到账", {}, {}, ""});
  EXPECT_FALSE(calm.complaint);
  EXPECT_NE(calm.handoff_reason, "negative_sentiment") << calm.MetaJson();

  Decision urgent = bot_->Decide(account_, {"急！明天就要用，怎么还没发货", {}, {}, ""});
  EXPECT_TRUE(urgent.urgent) << urgent.MetaJson();
  EXPECT_TRUE(boost::json::parse(urgent.MetaJson()).as_object().at("urgent").as_bool());
  Decision both = bot_->Decide(account_, {"急死了，再不发货我就投诉", {}, {}, ""});
  ASSERT_EQ(both.action, Action::kHandoff);
  EXPECT_NE(both.summary.find("着急"), std::string::npos) << both.summary;
  EXPECT_NE(both.summary.find("投诉"), std::string::npos) << both.summary;
}

TEST_F(DemoBot, UnknownAccountHandsOffInsteadOfFailing) {
  Decision d = bot_->Decide(account_ + 999, {"退款多久到账", {}, {}, ""});
  EXPECT_EQ(d.action, Action::kHandoff);
}

}  // namespace
}  // namespace lingxi::bot
