// UTF-8 helpers for validating and trimming untrusted text. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lingxi {

// True if `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);
// Number of code points. REQUIRES: IsValidUtf8(s).
size_t Utf8Length(std::string_view s);
// Longest prefix of at most `max_code_points` code points. REQUIRES: IsValidUtf8(s).
std::string_view Utf8Prefix(std::string_view s, size_t max_code_points);
// Strips ASCII and Unicode whitespace (incl. U+3000 ideographic space) from both ends.
std::string_view TrimWhitespace(std::string_view s);
// Replaces C0 control characters other than \n and \t with nothing.
std::string StripControl(std::string_view s);

}  // namespace lingxi
