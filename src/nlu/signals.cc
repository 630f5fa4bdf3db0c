#include "nlu/signals.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

#include "nlu/internal/english.h"
#include "nlu/internal/phrase_lists.h"
#include "nlu/tokenizer.h"

namespace lingxi::nlu {
namespace {

using internal::GetPhraseLists;
using internal::PhraseLists;

// The message split into its Chinese part (all Han runs concatenated) and its other words.
struct Parts {
  std::string han;
  size_t han_chars = 0;
  std::vector<std::string> words;  // non-Han words, lower-case
};

bool StartsWithHan(std::string_view s) {
  if (s.empty()) return false;
  int32_t i = 0;
  UChar32 c;
  U8_NEXT(s.data(), i, static_cast<int32_t>(s.size()), c);
  return c >= 0 && IsHanCodePoint(static_cast<char32_t>(c));
}

Parts Split(std::string_view normalized) {
  Parts p;
  for (std::string& w : SplitWords(normalized)) {
    if (StartsWithHan(w)) {
      p.han_chars += static_cast<size_t>(std::count_if(w.begin(), w.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      }));
      p.han += w;
    } else {
      p.words.push_back(std::move(w));
    }
  }
  return p;
}

bool Contains(const std::vector<std::string_view>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// "hiiii" -> "hi", "thanksss" -> "thanks": squeezes runs of 3+ identical characters.
std::string Squeeze(std::string_view w) {
  std::string out;
  for (size_t i = 0; i < w.size(); ++i) {
    size_t j = i;
    while (j < w.size() && w[j] == w[i]) ++j;
    out.append(j - i >= 3 ? 1 : j - i, w[i]);
    i = j - 1;
  }
  return out;
}

void EraseAll(std::string& s, std::string_view phrase, bool* found) {
  for (size_t pos = s.find(phrase); pos != std::string::npos; pos = s.find(phrase)) {
    s.erase(pos, phrase.size());
    *found = true;
  }
}

// True if the message consists only of core phrases (at least one) and fillers.
bool IsWholeMessage(const Parts& p, const std::vector<std::string_view>& zh_core,
                    const std::vector<std::string_view>& zh_filler,
                    const std::vector<std::string_view>& en_core,
                    const std::vector<std::string_view>& en_filler) {
  if (p.han.empty() && p.words.empty()) return false;
  bool core_found = false;
  std::string rest = p.han;
  for (std::string_view c : zh_core) EraseAll(rest, c, &core_found);
  bool unused = false;
  for (std::string_view f : zh_filler) EraseAll(rest, f, &unused);
  if (!rest.empty()) return false;
  for (const std::string& raw_word : p.words) {
    std::string w = Squeeze(raw_word);
    std::erase(w, '\'');
    if (Contains(en_core, w)) {
      core_found = true;
    } else if (!Contains(en_filler, w)) {
      return false;
    }
  }
  return core_found;
}

bool HumanRequestedZh(const std::string& han, const PhraseLists& l) {
  for (std::string_view phrase : l.zh_human) {
    for (size_t pos = han.find(phrase); pos != std::string::npos; pos = han.find(phrase, pos + 1)) {
      std::string_view at = std::string_view(han).substr(pos);
      bool excluded = std::any_of(l.zh_human_exclusions.begin(), l.zh_human_exclusions.end(),
                                  [&](std::string_view ex) { return at.starts_with(ex); });
      if (!excluded) return true;
    }
  }
  return false;
}

bool HumanRequestedEn(const std::vector<std::string>& words, const PhraseLists& l) {
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (Contains(l.en_human_words, w)) return true;
    if (Contains(l.en_human_adjectives, w) && i + 1 < words.size() &&
        (words[i + 1] == "person" || words[i + 1] == "people" || words[i + 1] == "human")) {
      return true;
    }
    // A verb and an object within four words either way: "talk to someone", "anyone I can speak
    // to".
    if (Contains(l.en_human_verbs, w)) {
      const size_t lo = i >= 4 ? i - 4 : 0;
      for (size_t j = lo; j < words.size() && j <= i + 4; ++j) {
        if (j != i && Contains(l.en_human_objects, words[j])) return true;
      }
    }
  }
  return false;
}

double PunctuationAndCaps(std::string_view raw) {
  double score = 0;
  // Longest run of ! and ? (ASCII or full-width), and whether it holds a '!'.
  size_t best = 0, run = 0;
  bool bang_in_best = false, bang_in_run = false;
  for (size_t i = 0; i < raw.size();) {
    size_t adv = 1;
    bool bang = raw[i] == '!' || raw.substr(i, 3) == "\xEF\xBC\x81";
    bool question = raw[i] == '?' || raw.substr(i, 3) == "\xEF\xBC\x9F";
    if (raw[i] != '!' && raw[i] != '?' && (bang || question)) adv = 3;
    if (bang || question) {
      ++run;
      bang_in_run = bang_in_run || bang;
      if (run > best) best = run, bang_in_best = bang_in_run;
    } else {
      run = 0;
      bang_in_run = false;
    }
    i += adv;
  }
  if (best >= 3)
    score += 0.3;
  else if (best == 2 && bang_in_best)
    score += 0.15;

  if (internal::IsShouting(raw)) score += 0.3;
  return score;
}

double Negativity(std::string_view raw, std::string_view normalized, const Parts& p,
                  const PhraseLists& l) {
  double score = PunctuationAndCaps(raw);
  for (const auto& [phrase, weight] : l.zh_negative) {
    if (normalized.find(phrase) != std::string::npos) score += weight;
  }
  for (size_t i = 0; i < p.words.size(); ++i) {
    const std::string& w = p.words[i];
    for (const auto& [word, weight] : l.en_negative) {
      if (w == word) score += weight;
    }
    for (const auto& [prefix, weight] : l.en_negative_prefixes) {
      if (w.starts_with(prefix)) score += weight;
    }
    for (const auto& phrase : l.en_negative_phrases) {
      if (i + phrase.size() > p.words.size()) continue;
      if (std::equal(phrase.begin(), phrase.end(),
                     p.words.begin() + static_cast<std::ptrdiff_t>(i))) {
        score += 0.3;
      }
    }
  }
  return std::min(1.0, score);
}

bool IsFollowup(const Parts& p, size_t content_terms, const PhraseLists& l) {
  if (!p.han.empty()) {
    for (std::string_view prefix : l.zh_followup_prefixes) {
      if (std::string_view(p.han).starts_with(prefix)) return true;
    }
    if (std::string_view(p.han).ends_with("呢")) return true;
    for (std::string_view pronoun : l.zh_pronouns) {
      size_t pos = p.han.find(pronoun);
      if (pos == std::string::npos) continue;
      if (pronoun == "它" && pos >= 3 && p.han.compare(pos - 3, 3, "其") == 0) continue;  // 其它
      if (p.han_chars <= 8) return true;
    }
  }
  const auto& w = p.words;
  if (w.empty()) return false;
  if (w[0] == "and" || w[0] == "also") return true;
  if (w.size() >= 2 && (w[0] == "what" || w[0] == "how") && (w[1] == "about" || w[1] == "if")) {
    return true;
  }
  bool has_pronoun = std::any_of(w.begin(), w.end(),
                                 [&](const std::string& x) { return Contains(l.en_pronouns, x); });
  return has_pronoun && content_terms <= 3;
}

}  // namespace

Signals AnalyzeSignals(const Normalizer& normalizer, std::string_view raw) {
  return AnalyzeSignalsNormalized(raw, normalizer.Normalize(raw));
}

Signals AnalyzeSignalsNormalized(std::string_view raw, std::string_view normalized) {
  const PhraseLists& l = GetPhraseLists();
  const Parts p = Split(normalized);
  Signals s;
  s.language = p.han_chars > 0 && p.han_chars >= p.words.size() ? "zh" : "en";
  s.wants_human = HumanRequestedZh(p.han, l) || HumanRequestedEn(p.words, l);
  s.negativity = Negativity(raw, normalized, p, l);
  s.greeting = IsWholeMessage(p, l.zh_greeting_core, l.zh_greeting_filler, l.en_greeting_core,
                              l.en_greeting_filler);
  s.thanks = !s.greeting && IsWholeMessage(p, l.zh_thanks_core, l.zh_thanks_filler,
                                           l.en_thanks_core, l.en_thanks_filler);
  s.followup = !s.greeting && !s.thanks && IsFollowup(p, Tokenize(normalized).size(), l);
  return s;
}

double TextSimilarity(const Normalizer& normalizer, std::string_view a, std::string_view b) {
  const std::string na = normalizer.Normalize(a);
  const std::string nb = normalizer.Normalize(b);
  std::vector<std::string> ta = Tokenize(na);
  std::vector<std::string> tb = Tokenize(nb);
  if (ta.empty() && tb.empty()) return (!na.empty() && na == nb) ? 1.0 : 0.0;
  std::set<std::string> sa(ta.begin(), ta.end());
  std::set<std::string> sb(tb.begin(), tb.end());
  size_t common = 0;
  for (const std::string& t : sa) common += sb.count(t);
  const size_t unite = sa.size() + sb.size() - common;
  return unite == 0 ? 0.0 : static_cast<double>(common) / static_cast<double>(unite);
}

}  // namespace lingxi::nlu
