// Word and phrase lists behind AnalyzeSignals. All entries are in normalized form
// (simplified Chinese, lower-case English). Immutable; thread-safe.
#pragma once

#include <string_view>
#include <vector>

namespace lingxi::nlu::internal {

struct WeightedPhrase {
  std::string_view text;
  double weight;
};

struct PhraseLists {
  // Chinese substrings asking for a human; `zh_human_exclusions` veto an occurrence of 人工
  // that starts one of them (人工智能).
  std::vector<std::string_view> zh_human;
  std::vector<std::string_view> zh_human_exclusions;
  // English single words (exact match) and two-word sequences asking for a human.
  std::vector<std::string_view> en_human_words;
  std::vector<std::string_view> en_human_verbs;       // talk, speak, ...
  std::vector<std::string_view> en_human_objects;     // someone, person, ... (within a few words)
  std::vector<std::string_view> en_human_adjectives;  // real, live, actual (+ person/people)

  std::vector<WeightedPhrase> zh_negative;                         // substrings
  std::vector<WeightedPhrase> en_negative;                         // exact words
  std::vector<WeightedPhrase> en_negative_prefixes;                // word prefixes (swear words)
  std::vector<std::vector<std::string_view>> en_negative_phrases;  // word sequences, weight 0.3

  // "Whole message" detectors: core phrases (at least one required) and fillers allowed around
  // them.
  std::vector<std::string_view> zh_greeting_core, zh_greeting_filler;
  std::vector<std::string_view> en_greeting_core, en_greeting_filler;
  std::vector<std::string_view> zh_thanks_core, zh_thanks_filler;
  std::vector<std::string_view> en_thanks_core, en_thanks_filler;

  std::vector<std::string_view> zh_followup_prefixes;
  std::vector<std::string_view> zh_pronouns;
  std::vector<std::string_view> en_pronouns;
};

// The lists, sorted longest-first where substring removal depends on it.
const PhraseLists& GetPhraseLists();

}  // namespace lingxi::nlu::internal
