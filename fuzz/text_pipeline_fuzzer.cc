// The text pipeline every customer message goes through (nlu/normalizer.h,
// tokenizer.h, signals.h, sentiment.h) on arbitrary bytes. Invariants: the
// normalized text is valid UTF-8 without control characters, leading/trailing
// or doubled spaces, and it is a canonical form (normalizing it again changes
// nothing); tokens are non-empty valid UTF-8; signal and sentiment scores stay
// in their documented ranges and the sentiment label and flags agree with the
// scores; text similarity is in [0, 1], symmetric, and 1 for a message with
// index terms compared with itself.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/utf8.h"
#include "fuzz_check.h"
#include "nlu/normalizer.h"
#include "nlu/sentiment.h"
#include "nlu/signals.h"
#include "nlu/tokenizer.h"

namespace {

using lingxi::fuzz::Printable;
using namespace lingxi::nlu;

std::shared_ptr<const Normalizer> g_normalizer;

void CheckNormalized(const std::string& raw, const std::string& n) {
  LINGXI_FUZZ_CHECK(lingxi::IsValidUtf8(n), "invalid UTF-8 out of " + Printable(raw));
  LINGXI_FUZZ_CHECK(n.empty() || (n.front() != ' ' && n.back() != ' '), "untrimmed " + Printable(n));
  LINGXI_FUZZ_CHECK(n.find("  ") == std::string::npos, "double space in " + Printable(n));
  for (unsigned char c : n) LINGXI_FUZZ_CHECK(c >= 0x20 && c != 0x7f, "control character in " + Printable(n));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto n = Normalizer::Create();
  if (!n.ok()) {
    std::fprintf(stderr, "normalizer: %s\n", n.status().ToString().c_str());
    std::exit(1);
  }
  g_normalizer = *n;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string raw(reinterpret_cast<const char*>(data), size);
  const std::string normalized = g_normalizer->Normalize(raw);
  CheckNormalized(raw, normalized);
  const std::string twice = g_normalizer->Normalize(normalized);
  LINGXI_FUZZ_CHECK(twice == normalized,
                    "not idempotent: " + Printable(raw) + " -> " + Printable(normalized) + " -> " + Printable(twice));

  const std::vector<std::string> tokens = Tokenize(normalized);
  for (const std::string& t : tokens)
    LINGXI_FUZZ_CHECK(!t.empty() && lingxi::IsValidUtf8(t), "bad token '" + Printable(t) + "' from " + Printable(raw));
  for (const std::string& w : SplitWords(normalized))
    LINGXI_FUZZ_CHECK(!w.empty() && lingxi::IsValidUtf8(w), "bad word '" + Printable(w) + "' from " + Printable(raw));

  const Signals signals = AnalyzeSignalsNormalized(raw, normalized);
  LINGXI_FUZZ_CHECK(signals.negativity >= 0 && signals.negativity <= 1,
                    "signal negativity " + std::to_string(signals.negativity));
  LINGXI_FUZZ_CHECK(signals.language == "zh" || signals.language == "en", "language " + signals.language);

  const SentimentResult mood = AnalyzeSentimentNormalized(raw, normalized);
  LINGXI_FUZZ_CHECK(mood.polarity >= -1 && mood.polarity <= 1, "polarity " + std::to_string(mood.polarity));
  LINGXI_FUZZ_CHECK(mood.negativity >= 0 && mood.negativity <= 1, "negativity " + std::to_string(mood.negativity));
  LINGXI_FUZZ_CHECK(mood.urgency >= 0 && mood.urgency <= 1, "urgency " + std::to_string(mood.urgency));
  LINGXI_FUZZ_CHECK(mood.urgent == (mood.urgency >= 0.5f),
                    "urgent flag disagrees with " + std::to_string(mood.urgency));
  const SentimentLabel expected_label = std::fabs(mood.polarity) < 0.2f ? SentimentLabel::kNeutral
                                        : mood.polarity > 0             ? SentimentLabel::kPositive
                                                                        : SentimentLabel::kNegative;
  LINGXI_FUZZ_CHECK(mood.label == expected_label,
                    std::string(SentimentLabelName(mood.label)) + " for polarity " + std::to_string(mood.polarity));
  bool complaint_cue = false;
  for (const SentimentCue& c : mood.cues) {
    LINGXI_FUZZ_CHECK(!c.text.empty(), "empty cue from " + Printable(raw));
    complaint_cue |= c.kind == CueKind::kComplaint && !c.negated;  // "我不会投诉" is no complaint
  }
  LINGXI_FUZZ_CHECK(mood.complaint == complaint_cue, "complaint flag disagrees with the cues for " + Printable(raw));

  // Similarity of the first half with the whole message, both ways, and with
  // itself.
  const std::string half = raw.substr(0, raw.size() / 2);
  const double ab = TextSimilarity(*g_normalizer, half, raw);
  const double ba = TextSimilarity(*g_normalizer, raw, half);
  LINGXI_FUZZ_CHECK(ab >= 0 && ab <= 1 && ab == ba, "similarity " + std::to_string(ab) + " / " + std::to_string(ba));
  if (!tokens.empty()) {
    const double self = TextSimilarity(*g_normalizer, raw, raw);
    LINGXI_FUZZ_CHECK(self == 1.0, "self-similarity " + std::to_string(self) + " for " + Printable(raw));
  }
  return 0;
}
