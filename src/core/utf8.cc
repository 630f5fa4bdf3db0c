#include "core/utf8.h"

#include <cstdint>

namespace lingxi {

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p < n + 1) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    p += n + 1;
  }
  return true;
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string_view Utf8Prefix(std::string_view s, size_t max_code_points) {
  size_t count = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (count == max_code_points) return s.substr(0, i);
      ++count;
    }
  }
  return s;
}

namespace {
// Length of a whitespace sequence starting at s[i], or 0.
size_t WhitespaceAt(std::string_view s, size_t i) {
  unsigned char c = s[i];
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
  if (s.substr(i, 3) == "\xE3\x80\x80") return 3;  // U+3000
  if (s.substr(i, 2) == "\xC2\xA0") return 2;      // U+00A0
  return 0;
}
size_t WhitespaceEndingAt(std::string_view s, size_t end) {
  unsigned char c = s[end - 1];
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
  if (end >= 3 && s.substr(end - 3, 3) == "\xE3\x80\x80") return 3;
  if (end >= 2 && s.substr(end - 2, 2) == "\xC2\xA0") return 2;
  return 0;
}
}  // namespace

std::string_view TrimWhitespace(std::string_view s) {
  size_t b = 0;
  while (b < s.size()) {
    size_t w = WhitespaceAt(s, b);
    if (w == 0) break;
    b += w;
  }
  size_t e = s.size();
  while (e > b) {
    size_t w = WhitespaceEndingAt(s, e);
    if (w == 0) break;
    e -= w;
  }
  return s.substr(b, e - b);
}

std::string StripControl(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    unsigned char c = ch;
    if (c < 0x20 && c != '\n' && c != '\t') continue;
    if (c == 0x7F) continue;
    out.push_back(ch);
  }
  return out;
}

}  // namespace lingxi
