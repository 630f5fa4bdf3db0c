#include "flows/internal/pattern.h"

#include <string>

namespace lingxi::flows::internal {

namespace {

// True if a `{m}` / `{m,n}` repetition outside a character class has a count of 6+ digits.
bool HasHugeRepetitionCount(std::string_view p) {
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\') {
      ++i;  // the escaped character is a literal or a class escape
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
  if (HasHugeRepetitionCount(pattern)) return InvalidArgument("invalid pattern: repetition count over 99999");
  try {
    auto flags = std::regex::ECMAScript | (ignore_case ? std::regex::icase : std::regex::ECMAScript);
    return std::make_shared<const std::regex>(std::string(pattern), flags);
  } catch (const std::regex_error& e) {
    return InvalidArgument(std::string("invalid pattern: ") + e.what());
  }
}

}  // namespace lingxi::flows::internal
