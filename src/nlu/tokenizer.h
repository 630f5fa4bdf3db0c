// Tokenizer: splits normalized text (see Normalizer) into index terms for BM25 and similarity.
//
//  - runs of CJK ideographs -> each character (minus a few function characters such as 的/了/吗/我)
//    followed by every adjacent bigram: "退货政策" -> 退 货 政 策 退货 货政 政策;
//  - Latin/digit words -> lower-case, English stopwords removed (negations kept), light stemming
//    ("refunds"->"refund", "shipping"->"ship", "policies"->"policy");
//  - punctuation, symbols and emoji are dropped.
// Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lingxi::nlu {

// REQUIRES: `normalized_text` came from Normalizer::Normalize (valid UTF-8, case-folded).
// Tolerates any input without crashing; un-normalized text simply matches worse.
std::vector<std::string> Tokenize(std::string_view normalized_text);

// Lower-level: the raw words of `normalized_text` in order, without stopword removal or
// stemming; a CJK run is one word. Used by the signal detector for phrase matching.
std::vector<std::string> SplitWords(std::string_view normalized_text);

// The same words as views into `normalized_text` (which must outlive them): no copies.
std::vector<std::string_view> SplitWordViews(std::string_view normalized_text);

// True if `c` is a CJK ideograph (Han script).
bool IsHanCodePoint(char32_t c);

}  // namespace lingxi::nlu
