// English helpers for the tokenizer: a conservative suffix stemmer and a stopword list.
// Pure functions over lower-case ASCII words; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace lingxi::nlu::internal {

// Light stemming: possessive 's, plural s/es/ies, -ing, -ed, trailing silent e, final ll.
// Both index and query go through it, so only consistency matters, not dictionary form:
// "refunds"->"refund", "shipping"->"ship", "policies"->"policy", "charge"/"charged"->"charg".
// Words containing digits or non-ASCII letters are returned unchanged.
std::string StemEnglish(std::string_view word);

// True for function words that carry no topic (a, the, is, my, ...). Negations (not, no, never,
// dont, cant, ...) are deliberately NOT stopwords.
bool IsEnglishStopword(std::string_view word);

// Shouting: at least two ASCII words of 3+ letters written in capitals, making up at least half
// of the ASCII words ("WHERE IS MY ORDER"). `raw` is the customer's original text.
bool IsShouting(std::string_view raw);

// True for CJK function characters dropped as unigrams (的, 了, 吗, ...). Bigrams keep them.
bool IsChineseStopChar(std::string_view utf8_char);

}  // namespace lingxi::nlu::internal
