// Sparse lexical features for the intent classifier: hashed word uni/bigrams and character n-grams.
//
// Input is normalized text (see Normalizer). Latin/digit words are kept with their stopwords
// (function words matter for intents: "what is" vs "set a"); each Han character is one token.
// Features: token unigrams, token bigrams (with sentence boundaries), character n-grams of each
// Latin word with boundary marks ("<word>", lengths latin_char_min..latin_char_max) and Han
// character trigrams inside each Han run. Each feature is a 64-bit hash tagged by its kind.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace lingxi::nlu::internal {

struct TextFeatureOptions {
  bool word_bigrams = true;
  int latin_char_min = 3;
  int latin_char_max = 5;
  bool han_trigrams = true;
  bool stem_words = true;  // also emit the light stem of each Latin word when it differs
  // In a text with Han characters, Latin words are mostly names, titles and codes ("查找 Ghost World
  // 的 时间表", "我的iPhone充不了电"): their character n-grams match other names by chance and drown
  // the Chinese words that carry the intent, so they are left out (the words themselves stay).
  bool latin_chars_in_han_text = false;
};

// A feature hash and its raw count in the text, hashes unique, in the order of their first
// occurrence (the same text always gives the same vector; not sorted by hash).
using FeatureCounts = std::vector<std::pair<uint64_t, float>>;

// REQUIRES: `normalized_text` came from Normalizer::Normalize. Any bytes are tolerated.
FeatureCounts ExtractTextFeatures(std::string_view normalized_text, const TextFeatureOptions& options);

}  // namespace lingxi::nlu::internal
