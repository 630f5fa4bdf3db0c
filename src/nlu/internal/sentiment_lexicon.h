// The Chinese and English lexicon behind AnalyzeSentiment: cue words and
// phrases with a role and weights. Entries are in normalized form (simplified
// Chinese, lower-case English; English phrases are words separated by one
// space). Immutable after first use; thread-safe.
#pragma once

#include <string_view>
#include <unordered_map>
#include <vector>

namespace lingxi::nlu::internal {

enum class LexRole : unsigned char {
  kPolar,     // sentiment word: `value` in [-1, 1]
  kNegatable, // neutral alone, `value` (< 0) when negated: 收到 / "work"
              // ("doesn't work")
  kNegator, // 不 / not: flips or dampens the next cue; `value` = strength (不太
            // = 0.6)
  kIntensifier, // 非常 / very: multiplies the next cue by `value` (< 1 for 有点
                // / "a bit")
  kContrast,   // 但是 / but: what came before counts less
  kConcession, // 虽然 / although: this clause counts less
  kShield, // fixed expressions that must not fire their parts: 不好意思, "no
           // problem"
  kCalm,     // 不急 / "no rush": the message is explicitly not urgent
  kTimeWord, // 明天 / friday: urgent when followed by 前/之前 or preceded by
             // by/before
  kDeadlinePrep, // by / before / until (English, before a time word)
};

struct LexEntry {
  std::string_view text;
  LexRole role;
  float value = 0;   // see LexRole
  float urgency = 0; // added to urgency when the entry fires (not negated)
  bool complaint =
      false; // a complaint or threat cue (投诉, 12315, lawyer, chargeback)
  bool courtesy =
      false; // 谢谢 / thanks: positive only in a message with no negative cue
};

struct SentimentLexicon {
  // Chinese entries keyed by their first UTF-8 character, each list longest
  // first.
  std::unordered_map<std::string_view, std::vector<const LexEntry *>>
      zh_by_first_char;
  // English entries keyed by their first word, each list with the most words
  // first.
  std::unordered_map<std::string_view, std::vector<const LexEntry *>>
      en_by_first_word;
  // English words matched by prefix ("fucking", "shitty"): value < 0.
  std::vector<LexEntry> en_prefixes;
};

const SentimentLexicon &GetSentimentLexicon();

} // namespace lingxi::nlu::internal
