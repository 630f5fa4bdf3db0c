#include "nlu/normalizer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/utf8.h"
#include "test_normalizer.h"

namespace lingxi::nlu {
namespace {

struct NormalizeCase {
  const char* input;
  const char* expected;
};

class NormalizeTest : public ::testing::TestWithParam<NormalizeCase> {};

TEST_P(NormalizeTest, ProducesCanonicalForm) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  EXPECT_EQ(normalizer->Normalize(GetParam().input), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, NormalizeTest,
    ::testing::Values(NormalizeCase{"ＡＢＣ１２３", "abc123"},  // full-width -> half-width
                      NormalizeCase{"退貨", "退货"},            // traditional -> simplified
                      NormalizeCase{"這個訂單", "这个订单"},
                      NormalizeCase{"請問運費怎麼算", "请问运费怎么算"},
                      NormalizeCase{"Hello WORLD", "hello world"},         // case folding
                      NormalizeCase{"Straße", "strasse"},                  // full case folding
                      NormalizeCase{"  a \t\n b  ", "a b"},                // collapse + trim
                      NormalizeCase{"退货\u3000\u3000政策", "退货 政策"},  // ideographic space
                      NormalizeCase{"\u3000你好\u3000", "你好"},
                      NormalizeCase{"ｉＰｈｏｎｅ　１５", "iphone 15"},
                      NormalizeCase{"\xEF\xBC\x81\xEF\xBC\x9F", "!?"},  // full-width punctuation
                      NormalizeCase{"", ""}, NormalizeCase{"   ", ""}),
    [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(Normalizer, EmojiSurvivesAndDoesNotCrash) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  std::string out = normalizer->Normalize("好的👍 Thanks 😀😀");
  EXPECT_TRUE(IsValidUtf8(out));
  EXPECT_NE(out.find("好的"), std::string::npos);
  EXPECT_NE(out.find("thanks"), std::string::npos);
}

TEST(Normalizer, InvalidUtf8IsDroppedNotFatal) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  const std::string inputs[] = {std::string("abc\xFF\xFE"
                                            "def"),
                                std::string("\xC3"),
                                std::string("\xE9\x80"),
                                std::string("退\xED\xA0\x80货"),  // encoded surrogate
                                std::string("\xF4\x90\x80\x80x"),
                                std::string("a\0b", 3)};
  for (const std::string& in : inputs) {
    std::string out = normalizer->Normalize(in);
    EXPECT_TRUE(IsValidUtf8(out)) << out;
    EXPECT_EQ(out.find("\xEF\xBF\xBD"), std::string::npos) << "replacement char kept";
  }
  EXPECT_EQ(normalizer->Normalize(std::string("abc\xFF"
                                              "def")),
            "abcdef");
  EXPECT_EQ(normalizer->Normalize(std::string("退\xED\xA0\x80貨")), "退货");
}

TEST(Normalizer, IsIdempotent) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  for (const char* s : {"這個訂單 ＡＢＣ", "Refund POLICY  退貨", "😀 ok"}) {
    std::string once = normalizer->Normalize(s);
    EXPECT_EQ(normalizer->Normalize(once), once);
  }
}

// Found by fuzz/text_pipeline_fuzzer: an ill-formed byte (or U+FFFD) between a letter and a
// combining mark was dropped after NFKC, so a second pass composed what the first left apart.
TEST(Normalizer, IsIdempotentWhenDroppedBytesSeparateACombiningMark) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  for (const std::string& s : {std::string("caf\x65\xbf\xcc\x81 ok"), std::string("e\xef\xbf\xbd\xcc\x80")}) {
    const std::string once = normalizer->Normalize(s);
    EXPECT_EQ(normalizer->Normalize(once), once);
  }
  EXPECT_EQ(normalizer->Normalize("caf\x65\xbf\xcc\x81"), "caf\xc3\xa9");  // "café"
}

// Found by fuzz/text_pipeline_fuzzer: OpenCC maps the phrase 幺麼 to 幺麽 and 麽 alone to 么, so
// one pass was not a canonical form (and bot retrieval normalizes the normalized query again).
TEST(Normalizer, IsIdempotentForPhrasesOpenCcConvertsInSteps) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  for (const char* s : {"幺麼", "這麼幺麼的事"}) {
    const std::string once = normalizer->Normalize(s);
    EXPECT_EQ(normalizer->Normalize(once), once) << s;
  }
}

TEST(Normalizer, AsciiFastPathAgreesWithTheUnicodePath) {
  // Pure ASCII takes a shortcut; a leading "é" sends the same text through ICU and OpenCC. Every
  // ASCII byte appears, controls, DEL and NUL included.
  auto n = testing::SharedNormalizer();
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 127), len(0, 24);
  auto space_like = [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F; };
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    if (i < 128) {
      s = std::string("A") + static_cast<char>(i) + "b";
    } else {
      for (int k = len(rng); k > 0; --k) s.push_back(static_cast<char>(byte(rng)));
    }
    const std::string fast = n->Normalize(s);
    std::string expected = "\xC3\xA9";
    if (!s.empty() && space_like(s[0]) && !fast.empty()) expected += " ";
    expected += fast;
    EXPECT_EQ(n->Normalize("\xC3\xA9" + s), expected) << "case " << i;
  }
  EXPECT_EQ(n->Normalize("  Where IS my\tORDER?\r\n"), "where is my order?");
}

// Found by fuzz/text_pipeline_fuzzer: OpenCC stops at a NUL, so Chinese text lost everything after
// one (ASCII text, which skips OpenCC, kept it as a space).
TEST(Normalizer, KeepsTextAfterANulByte) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  EXPECT_EQ(normalizer->Normalize(std::string("退貨\0after", 12)), "退货 after");
  EXPECT_EQ(normalizer->Normalize(std::string("abc\0def", 7)), "abc def");
}

}  // namespace
}  // namespace lingxi::nlu
