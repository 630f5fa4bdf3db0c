// Randomised robustness test (deterministic seed) of the text pipeline every customer message goes
// through: arbitrary bytes (invalid UTF-8, control characters, emoji, mixed scripts) never crash
// normalisation, tokenising, signals, sentiment or intent prediction, and normalised text is valid
// UTF-8 (the rest of the system assumes it). Run under ASan/UBSan in CI.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/utf8.h"
#include "nlu/intent_classifier.h"
#include "nlu/sentiment.h"
#include "nlu/signals.h"
#include "nlu/tokenizer.h"
#include "test_normalizer.h"

namespace lingxi::nlu {
namespace {

TEST(RandomInput, TextPipelineSurvivesArbitraryBytes) {
  auto normalizer = testing::SharedNormalizer();
  auto model = IntentClassifier::Train(normalizer,
                                       {{"where is my parcel", "track"}, {"我的快递到哪了", "track"},
                                        {"I want a refund", "refund"}, {"我要退款", "refund"},
                                        {"play some music", "oos"}}, {}, {});
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const std::vector<std::string> pieces = {"退款", "轉人工", "投诉", "不", "!!!", "😡", "👍🏽", "ＡＢＣ", "Ⅻ", "ﬁ",
                                           "\xe2\x80\x8b", "\xcc\x81", "e", " ", "\t", "\n", "\x7f", "\xff", "\xc0\xaf",
                                           "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe4\xb8", "refund", "NOT", "urgent",
                                           "12315", "@", "#", "0"};
  std::mt19937 rng(1125);
  std::uniform_int_distribution<size_t> count(0, 40), pick(0, pieces.size()), byte(0, 255);
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    for (size_t k = 0, n = count(rng); k < n; ++k) {
      size_t p = pick(rng);
      text += p == pieces.size() ? std::string(1, static_cast<char>(byte(rng))) : pieces[p];
    }
    const std::string normalized = normalizer->Normalize(text);
    ASSERT_TRUE(IsValidUtf8(normalized)) << "case " << i;
    for (const auto& t : Tokenize(normalized)) ASSERT_FALSE(t.empty()) << "case " << i;
    (void)AnalyzeSignalsNormalized(text, normalized);
    const SentimentResult mood = AnalyzeSentimentNormalized(text, normalized);
    ASSERT_GE(mood.negativity, 0.0) << "case " << i;
    ASSERT_LE(mood.negativity, 1.0) << "case " << i;
    const IntentPrediction p = (*model)->Predict(text);
    ASSERT_FALSE(p.label.empty()) << "case " << i;
  }
}

}  // namespace
}  // namespace lingxi::nlu
