// Shared by the libFuzzer targets in fuzz/: a check that reports a broken
// invariant and aborts (libFuzzer then saves the input as crash-<sha1>), and
// helpers to print short inputs.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace lingxi::fuzz {

// `s` with non-printable bytes escaped, cut to `max` bytes: for failure
// messages.
inline std::string Printable(std::string_view s, size_t max = 300) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < max; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > max) out += "...";
  return out;
}

[[noreturn]] inline void Fail(const char* file, int line, const char* cond, const std::string& detail) {
  std::fprintf(stderr, "\n==== invariant broken at %s:%d: %s\n%s\n", file, line, cond, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace lingxi::fuzz

// Checks an invariant; `detail` (a std::string expression) is evaluated only on
// failure.
#define LINGXI_FUZZ_CHECK(cond, detail)                                     \
  do {                                                                      \
    if (!(cond)) ::lingxi::fuzz::Fail(__FILE__, __LINE__, #cond, (detail)); \
  } while (0)
