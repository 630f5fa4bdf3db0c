#include "nlu/tokenizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_normalizer.h"

namespace lingxi::nlu {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

TEST(Tokenize, ChineseRunYieldsUnigramsThenBigrams) {
  EXPECT_THAT(Tokenize("退货政策"), ElementsAre("退", "货", "政", "策", "退货", "货政", "政策"));
}

TEST(Tokenize, ChineseFunctionCharactersDroppedAsUnigramsOnly) {
  EXPECT_THAT(Tokenize("我的订单"), ElementsAre("订", "单", "我的", "的订", "订单"));
}

TEST(Tokenize, PunctuationSplitsChineseRuns) {
  EXPECT_THAT(Tokenize("退货，运费"), ElementsAre("退", "货", "退货", "运", "费", "运费"));
}

struct StemCase {
  const char* word;
  const char* stem;
};

class StemTest : public ::testing::TestWithParam<StemCase> {};

TEST_P(StemTest, StemsConservatively) {
  EXPECT_THAT(Tokenize(GetParam().word), ElementsAre(GetParam().stem)) << GetParam().word;
}

INSTANTIATE_TEST_SUITE_P(
    English, StemTest,
    ::testing::Values(StemCase{"refunds", "refund"}, StemCase{"refund", "refund"},
                      StemCase{"shipping", "ship"}, StemCase{"ship", "ship"},
                      StemCase{"shipped", "ship"}, StemCase{"delivered", "deliver"},
                      StemCase{"delivering", "deliver"}, StemCase{"addresses", "address"},
                      StemCase{"address", "address"}, StemCase{"policies", "policy"},
                      StemCase{"policy", "policy"}, StemCase{"customer's", "customer"},
                      StemCase{"boxes", "box"}, StemCase{"status", "status"},
                      StemCase{"cancelled", "cancel"}, StemCase{"canceled", "cancel"},
                      StemCase{"15", "15"}, StemCase{"iphone15", "iphone15"}),
    [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(Tokenize, InflectionsMeetAtTheSameStem) {
  for (const char* group :
       {"charge charged charging charges", "exchange exchanged exchanging",
        "arrive arrived arriving arrives", "cancel cancelled canceling cancels"}) {
    std::vector<std::string> terms = Tokenize(group);
    ASSERT_FALSE(terms.empty());
    for (const std::string& t : terms) EXPECT_EQ(t, terms[0]) << group;
  }
}

TEST(Tokenize, RemovesStopwordsButKeepsNegations) {
  EXPECT_THAT(Tokenize("where is my order"), ElementsAre("order"));
  EXPECT_THAT(Tokenize("i did not get the refund"), ElementsAre("not", "refund"));
  EXPECT_THAT(Tokenize("no never"), ElementsAre("no", "never"));
  EXPECT_THAT(Tokenize("it's the one"), ElementsAre("one"));
  EXPECT_THAT(Tokenize("the a of to is"), IsEmpty());
}

TEST(Tokenize, MixedScriptAfterNormalization) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  EXPECT_THAT(Tokenize(normalizer->Normalize("iPhone 15 退货")),
              ElementsAre("iphon", "15", "退", "货", "退货"));  // silent-e stripping
  EXPECT_THAT(Tokenize(normalizer->Normalize("我的iPhone坏了")),
              UnorderedElementsAre("我的", "iphon", "坏", "坏了"));
}

TEST(Tokenize, DropsPunctuationAndEmoji) {
  EXPECT_THAT(Tokenize("refund!!! 😡😡 ...?"), ElementsAre("refund"));
  EXPECT_THAT(Tokenize("👍🏻 ！？ -- ~~"), IsEmpty());
}

TEST(Tokenize, SurvivesInvalidUtf8) {
  std::vector<std::string> terms =
      Tokenize(std::string("ref\xFF"
                           "und \xE9\x80"));
  EXPECT_THAT(terms, ElementsAre("ref", "und"));
}

TEST(SplitWords, KeepsRawWordsAndHanRuns) {
  EXPECT_THAT(SplitWords("i don't want 退货 政策!"),
              ElementsAre("i", "don't", "want", "退货", "政策"));
}

}  // namespace
}  // namespace lingxi::nlu
