// PiiMasker / PiiVault (llm/pii.h) on arbitrary customer text.
// Invariants: Find returns in-bounds, ordered, non-overlapping matches; Unmask(Mask(text)) is the
// text again, except that one value written in two formats that the vault keeps as one
// ("+86 138…" and "138…", documented) comes back in the format seen first; masking the same text
// again with the same vault gives the same result; the masked text has no personal data left that
// Find would report (only placeholders); text without '[' is never changed by Unmask.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "llm/pii.h"

namespace {

using lingxi::fuzz::Printable;
using namespace lingxi::llm;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  PiiMasker::Options options;
  const uint8_t bits = fdp.ConsumeIntegral<uint8_t>();
  options.phones = (bits & 1) == 0;
  options.emails = (bits & 2) == 0;
  options.id_cards = (bits & 4) == 0;
  options.bank_cards = (bits & 8) == 0;
  options.addresses = (bits & 16) == 0;
  const PiiMasker masker(options);
  const std::string text = fdp.ConsumeRemainingBytesAsString();

  const std::vector<PiiMatch> matches = masker.Find(text);
  size_t prev_end = 0;
  for (const PiiMatch& m : matches) {
    LINGXI_FUZZ_CHECK(
        m.begin < m.end && m.end <= text.size() && m.begin >= prev_end,
        "bad match [" + std::to_string(m.begin) + ", " + std::to_string(m.end) + ") in " + Printable(text));
    prev_end = m.end;
  }

  PiiVault vault;
  const std::string masked = masker.Mask(text, vault);
  // What Unmask must restore: each match replaced by the original its
  // placeholder stands for.
  std::string expected;
  size_t pos = 0;
  for (const PiiMatch& m : matches) {
    expected.append(text, pos, m.begin - pos);
    const std::string placeholder =
        vault.PlaceholderFor(m.kind, std::string_view(text).substr(m.begin, m.end - m.begin));
    const auto original = vault.Original(placeholder);
    LINGXI_FUZZ_CHECK(original.has_value(), "vault lost " + placeholder);
    expected += *original;
    pos = m.end;
  }
  expected.append(text, pos);
  const std::string unmasked = PiiMasker::Unmask(masked, vault);
  LINGXI_FUZZ_CHECK(unmasked == expected, "text: " + Printable(text) + "\nmasked: " + Printable(masked) +
                                              "\nunmasked: " + Printable(unmasked) +
                                              "\nexpected: " + Printable(expected));

  const std::string again = masker.Mask(text, vault);
  LINGXI_FUZZ_CHECK(again == masked, "second mask differs: " + Printable(masked) + " vs " + Printable(again));

  for (const PiiMatch& m : masker.Find(masked)) {
    LINGXI_FUZZ_CHECK(m.kind == PiiKind::kLiteral,
                      "masked text still has " + std::string(PiiKindName(m.kind)) + " '" +
                          Printable(std::string_view(masked).substr(m.begin, m.end - m.begin)) +
                          "'\ntext: " + Printable(text) + "\nmasked: " + Printable(masked));
  }

  // The customer's own text read as a model's reply: without brackets there is
  // nothing to restore.
  if (text.find('[') == std::string::npos) {
    LINGXI_FUZZ_CHECK(PiiMasker::Unmask(text, vault) == text, "Unmask changed " + Printable(text));
  }
  return 0;
}
