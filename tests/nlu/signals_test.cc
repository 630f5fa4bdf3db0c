#include "nlu/signals.h"

#include <gtest/gtest.h>

#include <string>

#include "test_normalizer.h"

namespace lingxi::nlu {
namespace {

enum class Flag { kWantsHuman, kGreeting, kThanks, kFollowup };

struct FlagCase {
  Flag flag;
  const char* text;
  bool expected;
};

bool Read(const Signals& s, Flag f) {
  switch (f) {
    case Flag::kWantsHuman:
      return s.wants_human;
    case Flag::kGreeting:
      return s.greeting;
    case Flag::kThanks:
      return s.thanks;
    case Flag::kFollowup:
      return s.followup;
  }
  return false;
}

class SignalFlagTest : public ::testing::TestWithParam<FlagCase> {};

TEST_P(SignalFlagTest, DetectsFlag) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  Signals s = AnalyzeSignals(*normalizer, GetParam().text);
  EXPECT_EQ(Read(s, GetParam().flag), GetParam().expected) << GetParam().text;
}

constexpr Flag H = Flag::kWantsHuman, G = Flag::kGreeting, T = Flag::kThanks, F = Flag::kFollowup;

INSTANTIATE_TEST_SUITE_P(
    Table, SignalFlagTest,
    ::testing::Values(
        // wants_human
        FlagCase{H, "转人工", true}, FlagCase{H, "我要人工客服", true}, FlagCase{H, "人工！", true},
        FlagCase{H, "能不能找客服", true}, FlagCase{H, "有没有真人啊", true},
        FlagCase{H, "客服电话多少", true}, FlagCase{H, "轉人工", true},
        FlagCase{H, "I want to talk to a human", true}, FlagCase{H, "AGENT please", true},
        FlagCase{H, "can I speak to a real person?", true},
        FlagCase{H, "let me talk to someone", true}, FlagCase{H, "get me a representative", true},
        FlagCase{H, "operator", true}, FlagCase{H, "are your agents online", true},
        FlagCase{H, "is there anyone I can speak to", true}, FlagCase{H, "我想退货", false},
        FlagCase{H, "人工智能是什么", false}, FlagCase{H, "that is not humane", false},
        FlagCase{H, "where is my refund", false}, FlagCase{H, "人为损坏保修吗", false},
        FlagCase{H, "", false},
        // greeting
        FlagCase{G, "你好", true}, FlagCase{G, "您好！", true}, FlagCase{G, "在吗？", true},
        FlagCase{G, "你好，在吗", true}, FlagCase{G, "亲，在不在", true}, FlagCase{G, "hi", true},
        FlagCase{G, "Hello!", true}, FlagCase{G, "hey there", true},
        FlagCase{G, "Good morning", true}, FlagCase{G, "hiii 😀", true},
        FlagCase{G, "is anyone there?", false}, FlagCase{G, "你好，我想退货", false},
        FlagCase{G, "hi, where is my order", false}, FlagCase{G, "good", false},
        FlagCase{G, "😀", false},
        // thanks
        FlagCase{T, "谢谢", true}, FlagCase{T, "好的谢谢", true}, FlagCase{T, "感谢！", true},
        FlagCase{T, "没问题了，谢谢客服", true}, FlagCase{T, "thanks", true},
        FlagCase{T, "Thank you!", true}, FlagCase{T, "ok thanks", true},
        FlagCase{T, "thank you so much for your help", true}, FlagCase{T, "謝謝", true},
        FlagCase{T, "谢谢，但是我的退款还没到", false},
        FlagCase{T, "no thanks, I want a refund", false}, FlagCase{T, "好的", false},
        // followup
        FlagCase{F, "那运费呢", true}, FlagCase{F, "还有，发票怎么开", true},
        FlagCase{F, "另外我想问一下保修", true}, FlagCase{F, "国外可以吗呢", true},
        FlagCase{F, "这个多少钱", true}, FlagCase{F, "它能退吗", true},
        FlagCase{F, "and shipping?", true}, FlagCase{F, "what about returns", true},
        FlagCase{F, "How about Canada?", true}, FlagCase{F, "how long does that take", true},
        FlagCase{F, "is it free?", true}, FlagCase{F, "我想退货", false},
        FlagCase{F, "where is my order", false}, FlagCase{F, "怎么修改收货地址", false},
        FlagCase{F, "其它问题怎么联系客服人员处理比较快一些", false}, FlagCase{F, "谢谢", false},
        FlagCase{F, "how do I change my delivery address for order 1234", false}),
    [](const auto& info) { return "case" + std::to_string(info.index); });

struct NegativityCase {
  const char* text;
  double min;
  double max;
};

class NegativityTest : public ::testing::TestWithParam<NegativityCase> {};

TEST_P(NegativityTest, ScoresWithinRange) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  double n = AnalyzeSignals(*normalizer, GetParam().text).negativity;
  EXPECT_GE(n, GetParam().min) << GetParam().text;
  EXPECT_LE(n, GetParam().max) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, NegativityTest,
    ::testing::Values(
        NegativityCase{"我想退货", 0, 0}, NegativityCase{"where is my order?", 0, 0},
        NegativityCase{"DHL tracking", 0, 0}, NegativityCase{"滚筒洗衣机怎么用", 0, 0},
        NegativityCase{"什么破服务，垃圾！", 0.7, 1}, NegativityCase{"我要投诉", 0.4, 1},
        NegativityCase{"气死我了，骗子", 0.7, 1}, NegativityCase{"太差了，差评", 0.7, 1},
        NegativityCase{"无语", 0.2, 0.6}, NegativityCase{"退钱！！！", 0.7, 1},
        NegativityCase{"到底发不发货？？？", 0.2, 0.6},
        NegativityCase{"this is ridiculous", 0.4, 1}, NegativityCase{"total scam", 0.5, 1},
        NegativityCase{"worst service, useless", 0.8, 1}, NegativityCase{"wtf", 0.5, 1},
        NegativityCase{"where is my order!!!", 0.2, 0.5},
        NegativityCase{"WHERE IS MY ORDER", 0.2, 0.5},
        NegativityCase{"I'm fed up with this", 0.2, 1},
        NegativityCase{"fucking terrible!!!", 1, 1}),
    [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(Signals, Language) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  EXPECT_EQ(AnalyzeSignals(*normalizer, "我想退货").language, "zh");
  EXPECT_EQ(AnalyzeSignals(*normalizer, "iPhone 15 退货").language, "zh");
  EXPECT_EQ(AnalyzeSignals(*normalizer, "退貨").language, "zh");
  EXPECT_EQ(AnalyzeSignals(*normalizer, "where is my order").language, "en");
  EXPECT_EQ(AnalyzeSignals(*normalizer, "my order 号码 is wrong").language, "en");
  EXPECT_EQ(AnalyzeSignals(*normalizer, "").language, "en");
}

TEST(Signals, SurvivesHostileInput) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  for (std::string s : {std::string("\xFF\xFE\xFD"), std::string(5000, '!'), std::string("😀\xC3"),
                        std::string("a\0b", 3)}) {
    Signals sig = AnalyzeSignals(*normalizer, s);
    EXPECT_GE(sig.negativity, 0.0);
    EXPECT_LE(sig.negativity, 1.0);
  }
}

TEST(TextSimilarity, DetectsRepeatsAcrossScriptsAndForms) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  const Normalizer& n = *normalizer;
  EXPECT_DOUBLE_EQ(TextSimilarity(n, "我的退款还没到", "我的退款还没到！"), 1.0);
  EXPECT_DOUBLE_EQ(TextSimilarity(n, "退貨政策", "退货政策"), 1.0);
  EXPECT_DOUBLE_EQ(TextSimilarity(n, "Where are my refunds?", "where is my refund"), 1.0);
  EXPECT_GT(TextSimilarity(n, "我的退款还没到账", "退款怎么还没到"), 0.3);
  EXPECT_LT(TextSimilarity(n, "我的退款还没到账", "怎么修改收货地址"), 0.1);
  EXPECT_DOUBLE_EQ(TextSimilarity(n, "refund", "shipping"), 0.0);
  EXPECT_DOUBLE_EQ(TextSimilarity(n, "", ""), 0.0);
  EXPECT_DOUBLE_EQ(TextSimilarity(n, "😀", "😀"), 1.0);
}

}  // namespace
}  // namespace lingxi::nlu
