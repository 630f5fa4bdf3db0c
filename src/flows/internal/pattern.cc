#include "flows/internal/pattern.h"

#include <string>

namespace lingxi::flows::internal {

namespace {

size_t DigitsAt(std::string_view p, size_t i) {
  size_t n = 0;
  while (i + n < p.size() && p[i + n] >= '0' && p[i + n] <= '9') ++n;
  return n;
}

// True if a `{m}` / `{m,n}` repetition outside a character class, or a back-reference `\n`, has
// a number of 6+ digits.
bool HasHugeNumber(std::string_view p) {
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\') {
      if (DigitsAt(p, i + 1) > 5) return true;
      ++i;  // the escaped character is a literal, a class escape or a back-reference
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
    } else if (c == '{') {
      size_t digits = 0;
      for (size_t j = i + 1; j < p.size() && p[j] != '}'; ++j) {
        if (p[j] >= '0' && p[j] <= '9') {
          if (++digits > 5) return true;
        } else {
          digits = 0;  // the comma between the two counts
        }
      }
    }
  }
  return false;
}

}  // namespace

Result<std::shared_ptr<const std::regex>> CompilePattern(std::string_view pattern, bool ignore_case) {
  if (HasHugeNumber(pattern)) return InvalidArgument("invalid pattern: repetition count or back-reference over 99999");
  try {
    auto flags = std::regex::ECMAScript | (ignore_case ? std::regex::icase : std::regex::ECMAScript);
    return std::make_shared<const std::regex>(std::string(pattern), flags);
  } catch (const std::regex_error& e) {
    return InvalidArgument(std::string("invalid pattern: ") + e.what());
  }
}

}  // namespace lingxi::flows::internal
