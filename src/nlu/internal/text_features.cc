#include "nlu/internal/text_features.h"

#include <algorithm>
#include <string>

#include "nlu/internal/english.h"
#include "nlu/tokenizer.h"

namespace lingxi::nlu::internal {
namespace {

enum Kind : uint64_t { kUnigram = 1, kBigram = 2, kLatinChars = 3, kHanTrigram = 4, kStem = 5 };

uint64_t Hash(Kind kind, std::string_view s) {
  uint64_t h = 1469598103934665603ULL ^ (kind * 0x9E3779B97F4A7C15ULL);
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  // Final avalanche so that similar strings spread over the table.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

// Byte offsets of UTF-8 character starts in `s`, plus s.size() at the end.
std::vector<size_t> CharStarts(std::string_view s) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  starts.push_back(s.size());
  return starts;
}

bool StartsWithHan(std::string_view word) {
  if (word.empty() || static_cast<unsigned char>(word[0]) < 0x80) return false;
  // Decode one code point (the tokenizer only yields valid UTF-8 runs).
  const auto* p = reinterpret_cast<const unsigned char*>(word.data());
  char32_t c = 0;
  if ((p[0] & 0xE0) == 0xC0 && word.size() >= 2) {
    c = ((p[0] & 0x1F) << 6) | (p[1] & 0x3F);
  } else if ((p[0] & 0xF0) == 0xE0 && word.size() >= 3) {
    c = ((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
  } else if ((p[0] & 0xF8) == 0xF0 && word.size() >= 4) {
    c = ((p[0] & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
  }
  return IsHanCodePoint(c);
}

}  // namespace

FeatureCounts ExtractTextFeatures(std::string_view normalized_text, const TextFeatureOptions& options) {
  std::vector<uint64_t> hashes;
  std::vector<std::string> tokens;
  tokens.emplace_back("<s>");
  std::string buf;
  for (const std::string& word : SplitWords(normalized_text)) {
    if (StartsWithHan(word)) {
      std::vector<size_t> st = CharStarts(word);
      const size_t n = st.size() - 1;
      for (size_t i = 0; i < n; ++i) tokens.emplace_back(word.substr(st[i], st[i + 1] - st[i]));
      if (options.han_trigrams) {
        for (size_t i = 0; i + 3 <= n; ++i) hashes.push_back(Hash(kHanTrigram, std::string_view(word).substr(st[i], st[i + 3] - st[i])));
      }
      continue;
    }
    tokens.push_back(word);
    if (options.stem_words) {
      std::string stem = StemEnglish(word);
      if (stem != word) hashes.push_back(Hash(kStem, stem));
    }
    if (options.latin_char_max > 0) {
      buf.assign("<").append(word).append(">");
      std::vector<size_t> st = CharStarts(buf);
      const int n = static_cast<int>(st.size()) - 1;
      for (int len = options.latin_char_min; len <= options.latin_char_max; ++len) {
        for (int i = 0; i + len <= n; ++i) {
          hashes.push_back(Hash(kLatinChars, std::string_view(buf).substr(st[i], st[i + len] - st[i])));
        }
      }
    }
  }
  tokens.emplace_back("</s>");
  for (size_t i = 1; i + 1 < tokens.size(); ++i) hashes.push_back(Hash(kUnigram, tokens[i]));
  if (options.word_bigrams) {
    for (size_t i = 0; i + 1 < tokens.size(); ++i) {
      buf.assign(tokens[i]).push_back(' ');
      buf.append(tokens[i + 1]);
      hashes.push_back(Hash(kBigram, buf));
    }
  }
  std::sort(hashes.begin(), hashes.end());
  FeatureCounts out;
  for (uint64_t h : hashes) {
    if (!out.empty() && out.back().first == h) {
      out.back().second += 1.0f;
    } else {
      out.emplace_back(h, 1.0f);
    }
  }
  return out;
}

}  // namespace lingxi::nlu::internal
