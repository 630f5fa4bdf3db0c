// Cheap lexical signals for the bot's dialogue policy, in Chinese and English: requests for a
// human, frustration, greetings/thanks, and follow-up questions that depend on the previous turn.
// Keyword and shape based, deliberately conservative; no model. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "nlu/normalizer.h"

namespace lingxi::nlu {

struct Signals {
  bool wants_human =
      false;  // 转人工 / 人工客服 / 真人 / "agent" / "real person" / "talk to someone" ...
  double negativity = 0;  // 0..1 anger/frustration (keywords, "!!!" runs, ALL CAPS, "？？？")
  bool greeting = false;  // the whole message is a greeting (你好 / 在吗 / hi / good morning)
  bool thanks = false;  // the whole message is thanks or a closing (谢谢 / 没问题了 / ok thanks)
  bool followup =
      false;  // depends on the previous turn (那…/…呢/这个…; "and …", "what about …", "it")
  std::string language;  // "zh" if CJK ideographs dominate, else "en"
};

// `raw` is the customer's original text (punctuation runs and capitals are read from it);
// everything else is read from normalizer.Normalize(raw). Any bytes are accepted.
Signals AnalyzeSignals(const Normalizer& normalizer, std::string_view raw);
// The same for a caller that has already normalized the message (the bot, once per turn).
// REQUIRES: `normalized` == normalizer.Normalize(raw).
Signals AnalyzeSignalsNormalized(std::string_view raw, std::string_view normalized);

// Jaccard similarity of the Tokenize() term sets of `a` and `b`, in [0, 1]. Two messages without
// index terms (e.g. only emoji or stopwords) score 1 if their normalized forms are equal and
// non-empty, else 0. Used to detect a customer repeating themselves.
double TextSimilarity(const Normalizer& normalizer, std::string_view a, std::string_view b);

}  // namespace lingxi::nlu
