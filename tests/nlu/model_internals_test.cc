// The intent classifier's internals: the vocabulary hash table, the lexical features and the
// bfloat16 weights of the softmax model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "nlu/internal/feature_index.h"
#include "nlu/internal/softmax_model.h"
#include "nlu/internal/text_features.h"

namespace lingxi::nlu::internal {
namespace {

TEST(FeatureIndexTest, FindsEveryFeatureAndNothingElse) {
  std::vector<std::pair<uint64_t, float>> features;
  // Hashes that share their low bits collide in the table and must probe past each other.
  for (uint64_t i = 0; i < 100; ++i) features.emplace_back((i << 40) | 7, static_cast<float>(i) + 0.5f);
  for (uint64_t i = 0; i < 1000; ++i) features.emplace_back(i * 0x9E3779B97F4A7C15ULL + 1, 1.0f);
  FeatureIndex index(features);
  ASSERT_EQ(index.size(), features.size());
  for (size_t col = 0; col < features.size(); ++col) {
    const FeatureIndex::Entry* e = index.Find(features[col].first);
    ASSERT_NE(e, nullptr) << col;
    EXPECT_EQ(e->column, col);
    EXPECT_EQ(e->idf, features[col].second);
  }
  EXPECT_EQ(index.Find((100ULL << 40) | 7), nullptr);
  EXPECT_EQ(index.Find(0), nullptr);
  EXPECT_EQ(index.Find(~0ULL), nullptr);
}

TEST(FeatureIndexTest, EmptyIndexFindsNothing) {
  FeatureIndex empty;
  EXPECT_EQ(empty.Find(42), nullptr);
  empty.Prefetch(42);
  FeatureIndex built(std::vector<std::pair<uint64_t, float>>{});
  EXPECT_EQ(built.Find(42), nullptr);
  EXPECT_EQ(built.size(), 0u);
}

size_t TotalCount(const FeatureCounts& fc) {
  float total = 0;
  for (const auto& [h, c] : fc) total += c;
  return static_cast<size_t>(total);
}

TEST(TextFeaturesTest, CountsEveryFeatureOnce) {
  TextFeatureOptions o;
  o.stem_words = false;
  // "cat": "<cat>" has 5 characters, so 3 + 2 + 1 character n-grams of lengths 3..5; one unigram;
  // bigrams "<s> cat" and "cat </s>".
  FeatureCounts one = ExtractTextFeatures("cat", o);
  EXPECT_EQ(TotalCount(one), 6u + 1u + 2u);
  // Repeating the word doubles every count but the boundary bigrams, and adds "cat cat".
  FeatureCounts two = ExtractTextFeatures("cat cat", o);
  EXPECT_EQ(TotalCount(two), 2 * 6u + 2u + 3u);
  EXPECT_EQ(two.size(), one.size() + 1);
  for (const FeatureCounts* fc : {&one, &two}) {
    std::set<uint64_t> unique;
    for (const auto& [h, c] : *fc) unique.insert(h);
    EXPECT_EQ(unique.size(), fc->size());
  }
  // Each n-gram length is its own feature: with only length 3, "<cat>" gives three.
  o.latin_char_max = 3;
  EXPECT_EQ(TotalCount(ExtractTextFeatures("cat", o)), 3u + 1u + 2u);
  // Han runs: one token per character plus character trigrams.
  o = TextFeatureOptions{};
  FeatureCounts han = ExtractTextFeatures("我要退款", o);
  EXPECT_EQ(TotalCount(han), 4u /*unigrams*/ + 5u /*bigrams*/ + 2u /*trigrams*/);
}

TEST(TextFeaturesTest, ManyRepeatedFeaturesAreCountedOnceEachAndTheSameEveryTime) {
  // Long enough that the counting table grows and its slots collide.
  std::string text;
  for (int i = 0; i < 300; ++i) text += "w" + std::to_string(i % 97) + " ";
  TextFeatureOptions o;
  FeatureCounts a = ExtractTextFeatures(text, o);
  EXPECT_EQ(a, ExtractTextFeatures(text, o));
  std::set<uint64_t> unique;
  float total = 0;
  for (const auto& [h, c] : a) {
    unique.insert(h);
    total += c;
  }
  EXPECT_EQ(unique.size(), a.size());
  // 300 words: 300 unigrams + 301 bigrams + their character n-grams; "<w5>" (4 characters) has
  // 2 + 1 of lengths 3..5, "<w12>" 3 + 2 + 1; stems equal the words.
  size_t ngrams = 0;
  for (int i = 0; i < 300; ++i) ngrams += (i % 97) < 10 ? 3 : 6;
  EXPECT_EQ(static_cast<size_t>(total), 300 + 301 + ngrams);
  // "w5" occurs 4 times (i = 5, 102, 199, 296): its unigram is one feature counted 4 times.
  FeatureCounts w5 = ExtractTextFeatures("w5", o);
  bool found = false;
  for (const auto& [h, c] : a) {
    for (const auto& [h5, c5] : w5) {
      if (h == h5 && c == 4.0f) found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST(TextFeaturesTest, LatinWordsInChineseTextKeepNoCharacterNGrams) {
  TextFeatureOptions o;
  o.stem_words = false;
  // Alone, "cat" has 6 character n-grams + 1 unigram + 2 bigrams.
  ASSERT_EQ(TotalCount(ExtractTextFeatures("cat", o)), 9u);
  // Next to Chinese it is a name: its unigram and bigrams stay, its character n-grams go.
  // "找 cat": unigrams 找, cat; bigrams <s>-找, 找-cat, cat-</s>.
  FeatureCounts mixed = ExtractTextFeatures("找 cat", o);
  EXPECT_EQ(TotalCount(mixed), 2u + 3u);
  o.latin_chars_in_han_text = true;
  EXPECT_EQ(TotalCount(ExtractTextFeatures("找 cat", o)), 2u + 3u + 6u);
}

TEST(SoftmaxModelTest, Bfloat16WeightsKeepTheDecisionsOfTraining) {
  // Three classes, each marked by its own feature plus a shared noisy one.
  std::vector<SparseVector> x;
  std::vector<int> y;
  for (int i = 0; i < 90; ++i) {
    const int c = i % 3;
    x.push_back({{static_cast<uint32_t>(c), 0.8f}, {3u, 0.6f}});
    y.push_back(c);
  }
  SoftmaxTrainOptions opt;
  opt.epochs = 10;
  SoftmaxModel m = SoftmaxModel::Train(x, y, 4, 3, opt);
  ASSERT_EQ(m.num_classes(), 3);
  EXPECT_EQ(m.MemoryBytes(), 4 * 3 * sizeof(uint16_t) + 3 * sizeof(float));
  for (int c = 0; c < 3; ++c) {
    float s[3];
    m.Scores({{static_cast<uint32_t>(c), 0.8f}, {3u, 0.6f}}, s);
    EXPECT_EQ(std::max_element(s, s + 3) - s, c);
    for (float v : s) EXPECT_TRUE(std::isfinite(v));
  }
  // Features outside the model are ignored, not read out of bounds.
  float s[3];
  m.Scores({{99u, 1.0f}}, s);
  for (float v : s) EXPECT_TRUE(std::isfinite(v));
}

TEST(SoftmaxModelTest, UntrainedModelScoresZero) {
  SoftmaxModel m = SoftmaxModel::Train({}, {}, 2, 2, SoftmaxTrainOptions{});
  float s[2] = {1, 1};
  m.Scores({{0u, 1.0f}}, s);
  EXPECT_EQ(s[0], 0.0f);
  EXPECT_EQ(s[1], 0.0f);
}

}  // namespace
}  // namespace lingxi::nlu::internal
