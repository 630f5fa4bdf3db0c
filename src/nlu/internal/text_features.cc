#include "nlu/internal/text_features.h"

#include <algorithm>
#include <string>

#include "nlu/internal/english.h"
#include "nlu/tokenizer.h"

namespace lingxi::nlu::internal {
namespace {

enum Kind : uint64_t { kUnigram = 1, kBigram = 2, kLatinChars = 3, kHanTrigram = 4, kStem = 5 };

// FNV-1a over the bytes of one or more pieces, seeded by the feature kind, with a final
// avalanche so that similar strings spread over the table. Adding pieces one by one gives the same
// hash as adding their concatenation, so bigrams need no joined string.
class FeatureHash {
 public:
  explicit FeatureHash(Kind kind) : h_(1469598103934665603ULL ^ (kind * 0x9E3779B97F4A7C15ULL)) {}
  FeatureHash& Add(std::string_view s) {
    for (unsigned char c : s) {
      h_ ^= c;
      h_ *= 1099511628211ULL;
    }
    return *this;
  }
  uint64_t Finish() const {
    uint64_t h = h_;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
  }

 private:
  uint64_t h_;
};

uint64_t Hash(Kind kind, std::string_view s) { return FeatureHash(kind).Add(s).Finish(); }

// Byte offsets of UTF-8 character starts in `s`, plus s.size() at the end, into `starts`.
void CharStarts(std::string_view s, std::vector<size_t>* starts) {
  starts->clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts->push_back(i);
  }
  starts->push_back(s.size());
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

// Counts equal hashes with an open-addressing table instead of sorting them: a text's hashes are
// random 64-bit values, and sorting ~200 of them took as long as computing them (perf, BANKING77
// texts). The table is per thread and only the slots a text used are reset afterwards, so a call
// neither allocates the table nor clears all of it. Features come out in the order of their first occurrence.
FeatureCounts CountHashes(const std::vector<uint64_t>& hashes) {
  struct Slot {
    uint64_t hash = 0;
    uint32_t out = 0;  // 1 + the feature's index in the output; 0 = empty
  };
  thread_local std::vector<Slot> table;
  thread_local std::vector<uint32_t> used;
  size_t cap = 64;
  while (cap < hashes.size() * 2) cap <<= 1;
  if (table.size() < cap) table.assign(cap, Slot{});
  const size_t mask = cap - 1;  // the first `cap` slots are all empty here
  used.clear();
  FeatureCounts out;
  out.reserve(hashes.size());
  for (uint64_t h : hashes) {
    size_t i = static_cast<size_t>(h) & mask;
    while (table[i].out != 0 && table[i].hash != h) i = (i + 1) & mask;
    if (table[i].out == 0) {
      out.emplace_back(h, 1.0f);
      table[i] = Slot{h, static_cast<uint32_t>(out.size())};
      used.push_back(static_cast<uint32_t>(i));
    } else {
      out[table[i].out - 1].second += 1.0f;
    }
  }
  for (uint32_t i : used) table[i].out = 0;
  // A very long text should not leave a large table behind on every thread that saw one.
  if (table.size() > (1u << 16)) {
    table = {};
    used = {};
  }
  return out;
}

}  // namespace

FeatureCounts ExtractTextFeatures(std::string_view normalized_text, const TextFeatureOptions& options) {
  // Tokens are views into the text or the two boundary marks.
  const std::vector<std::string_view> words = SplitWordViews(normalized_text);
  std::vector<uint64_t> hashes;
  hashes.reserve(words.size() * 16 + 8);
  std::vector<std::string_view> tokens;
  tokens.reserve(words.size() * 2 + 2);
  tokens.emplace_back("<s>");
  std::string buf;
  std::vector<size_t> st;
  const bool han_text = std::any_of(words.begin(), words.end(), [](std::string_view w) { return StartsWithHan(w); });
  const bool latin_chars = options.latin_char_max > 0 && (options.latin_chars_in_han_text || !han_text);
  for (const std::string_view w : words) {
    if (StartsWithHan(w)) {
      CharStarts(w, &st);
      const size_t n = st.size() - 1;
      for (size_t i = 0; i < n; ++i) tokens.push_back(w.substr(st[i], st[i + 1] - st[i]));
      if (options.han_trigrams) {
        for (size_t i = 0; i + 3 <= n; ++i) hashes.push_back(Hash(kHanTrigram, w.substr(st[i], st[i + 3] - st[i])));
      }
      continue;
    }
    tokens.push_back(w);
    if (options.stem_words) {
      std::string stem = StemEnglish(w);
      if (stem != w) hashes.push_back(Hash(kStem, stem));
    }
    if (latin_chars) {
      buf.clear();
      buf.push_back('<');
      buf.append(w.data(), w.size());
      buf.push_back('>');
      CharStarts(buf, &st);
      const int n = static_cast<int>(st.size()) - 1;
      const std::string_view b(buf);
      // The n-grams starting at one character share their prefix: extend one hash state
      // character by character and emit it at each wanted length.
      const int min_len = std::max(1, options.latin_char_min);
      for (int i = 0; i + min_len <= n; ++i) {
        FeatureHash h(kLatinChars);
        h.Add(b.substr(st[i], st[i + min_len - 1] - st[i]));
        for (int len = min_len; len <= options.latin_char_max && i + len <= n; ++len) {
          h.Add(b.substr(st[i + len - 1], st[i + len] - st[i + len - 1]));
          hashes.push_back(h.Finish());
        }
      }
    }
  }
  tokens.emplace_back("</s>");
  for (size_t i = 1; i + 1 < tokens.size(); ++i) hashes.push_back(Hash(kUnigram, tokens[i]));
  if (options.word_bigrams) {
    for (size_t i = 0; i + 1 < tokens.size(); ++i) {
      hashes.push_back(FeatureHash(kBigram).Add(tokens[i]).Add(" ").Add(tokens[i + 1]).Finish());
    }
  }
  return CountHashes(hashes);
}

}  // namespace lingxi::nlu::internal
