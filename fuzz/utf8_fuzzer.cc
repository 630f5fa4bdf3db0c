// The UTF-8 helpers every text field goes through (core/utf8.h), on arbitrary bytes.
// Invariants: IsValidUtf8 agrees with an independent decoder (ICU's, which rejects overlongs,
// surrogates and code points past U+10FFFF too); on valid text Utf8Length is the number of code
// points, Utf8Prefix(n) is a valid prefix of min(n, length) code points; TrimWhitespace returns a
// substring without whitespace at either end and, on valid text, valid UTF-8; StripControl
// removes exactly the C0 controls but \n and \t, and DEL.
#include <fuzzer/FuzzedDataProvider.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <string>

#include "core/utf8.h"
#include "fuzz_check.h"

namespace {

using lingxi::fuzz::Printable;

// ICU's strict decoder: -1 for any ill-formed sequence. Returns the code point count, or -1.
int64_t IcuCount(std::string_view s) {
  int32_t i = 0;
  const auto len = static_cast<int32_t>(s.size());
  int64_t n = 0;
  while (i < len) {
    UChar32 c;
    U8_NEXT(s.data(), i, len, c);
    if (c < 0) return -1;
    ++n;
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  const size_t max_code_points = fdp.ConsumeIntegralInRange<size_t>(0, 64);
  const std::string s = fdp.ConsumeRemainingBytesAsString();
  if (s.size() > static_cast<size_t>(INT32_MAX)) return 0;

  const int64_t icu = IcuCount(s);
  const bool valid = lingxi::IsValidUtf8(s);
  LINGXI_FUZZ_CHECK(valid == (icu >= 0), "IsValidUtf8 says " + std::to_string(valid) + " for " + Printable(s));
  if (valid) {
    LINGXI_FUZZ_CHECK(lingxi::Utf8Length(s) == static_cast<size_t>(icu), "length of " + Printable(s));
    const std::string_view prefix = lingxi::Utf8Prefix(s, max_code_points);
    LINGXI_FUZZ_CHECK(s.starts_with(prefix) && lingxi::IsValidUtf8(prefix) &&
                          lingxi::Utf8Length(prefix) == std::min<size_t>(max_code_points, static_cast<size_t>(icu)),
                      "prefix " + Printable(prefix) + " of " + Printable(s));
  }

  const std::string_view trimmed = lingxi::TrimWhitespace(s);
  LINGXI_FUZZ_CHECK(trimmed.data() >= s.data() && trimmed.data() + trimmed.size() <= s.data() + s.size(),
                    "trim is not a substring");
  LINGXI_FUZZ_CHECK(lingxi::TrimWhitespace(trimmed) == trimmed, "trim is not idempotent on " + Printable(s));
  if (valid) LINGXI_FUZZ_CHECK(lingxi::IsValidUtf8(trimmed), "trim cut a character in " + Printable(s));

  const std::string stripped = lingxi::StripControl(s);
  std::string expected;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f) continue;
    expected.push_back(c);
  }
  LINGXI_FUZZ_CHECK(stripped == expected, "StripControl of " + Printable(s));
  if (valid) LINGXI_FUZZ_CHECK(lingxi::IsValidUtf8(stripped), "StripControl broke " + Printable(s));
  return 0;
}
