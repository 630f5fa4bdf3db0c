// Sentiment and urgency of a customer message, in Chinese and English, for
// handoff decisions and for reports. Lexicon and rules (see
// internal/sentiment_lexicon.cc), no model:
//  - weighted positive/negative cue words and phrases, complaint/threat cues
//  (投诉, 12315, lawyer);
//  - intensifiers and softeners (非常/太/有点, very/extremely/a bit) scale the
//  next cue;
//  - negation (不/没/别/没有, not/no/never/n't) flips a following positive cue
//  ("not happy") and
//    turns a following negative one mildly positive ("not bad"); fixed
//    expressions keep their own meaning (不错, 不好意思, 没问题, "no problem");
//    A不A questions (发不发货) are not negations;
//  - contrast (但是/可是/不过, but/however): what came before counts 30%;
//  courtesy (谢谢, thanks)
//    counts only when nothing negative was said;
//  - "!!!"/"？？？" runs, ALL CAPS and emoji (😡 😭 👎 / 👍 😊) add emphasis;
//  - urgency cues (急, 马上, 今天必须, asap, right now), deadlines (明天之前,
//  by Friday) and repeated
//    urging (催了好几次, still waiting, third time); 不急 / "no rush" mark a
//    message as not urgent.
// Sarcasm is not detected ("great, another week of waiting" reads as
// positive-then-urgent).
//
// Pure functions; thread-safe (the lexicon is built once, on first use, and
// never changes). Cost: one Normalize() plus a linear scan; the only
// allocations are the normalized string, a token buffer and the `cues` vector.
#pragma once

#include <string_view>
#include <vector>

#include "nlu/normalizer.h"

namespace lingxi::nlu {

enum class SentimentLabel { kNegative, kNeutral, kPositive };

// "negative" / "neutral" / "positive".
std::string_view SentimentLabelName(SentimentLabel label);

enum class CueKind {
  kPositive, // a positive word, or a negated negative one ("not bad")
  kNegative, // a negative word, or a negated positive one ("不满意" read as 不
             // + 满意)
  kComplaint, // complaint or threat: 投诉, 差评, 12315, lawyer, chargeback
  kUrgency,   // urgency, deadline or repeated urging
  kCalm,      // explicitly not urgent: 不急, no rush
  kEmphasis,  // "!!!", "？？？", ALL CAPS
};

// One cue that fired. `text` points into static storage (the lexicon, or a
// literal such as "!!!"), so a SentimentResult may outlive the input text.
struct SentimentCue {
  std::string_view text;
  CueKind kind;
  bool negated = false; // a negator was in scope ("not" + "happy")
  float weight =
      0; // signed contribution to polarity, or to urgency for kUrgency
};

struct SentimentResult {
  float polarity = 0;   // [-1, 1]: negative ... positive
  float negativity = 0; // [0, 1]: strength of the negative side alone (anger,
                        // complaint, problem)
  float urgency = 0;    // [0, 1]
  SentimentLabel label =
      SentimentLabel::kNeutral;   // |polarity| < 0.2 is neutral
  bool urgent = false;            // urgency >= 0.5
  bool complaint = false;         // a complaint/threat cue fired
  std::vector<SentimentCue> cues; // in text order (emphasis last)
};

// Analyses `raw` (the customer's original text; capitals are read from it)
// after normalizer.Normalize(raw). Any bytes are accepted; empty text is
// neutral and not urgent.
SentimentResult AnalyzeSentiment(const Normalizer &normalizer,
                                 std::string_view raw);

// The same for a caller that has already normalized the message.
// REQUIRES: `normalized` == normalizer.Normalize(raw).
SentimentResult AnalyzeSentimentNormalized(std::string_view raw,
                                           std::string_view normalized);

} // namespace lingxi::nlu
