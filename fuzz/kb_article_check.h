// What every imported article satisfies (kb/importer.h), checked by the kb fuzz
// targets.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "core/utf8.h"
#include "domain/types.h"
#include "fuzz_check.h"
#include "kb/importer.h"

namespace lingxi::fuzz {

inline void CheckCleanText(const std::string& what, const std::string& s, size_t max_code_points) {
  LINGXI_FUZZ_CHECK(!s.empty(), what + " is empty");
  LINGXI_FUZZ_CHECK(IsValidUtf8(s), what + " is not UTF-8: " + Printable(s));
  LINGXI_FUZZ_CHECK(Utf8Length(s) <= max_code_points, what + " is too long");
  LINGXI_FUZZ_CHECK(TrimWhitespace(s) == s, what + " is not trimmed: " + Printable(s));
  for (unsigned char c : s)
    LINGXI_FUZZ_CHECK(c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f),
                      what + " has a control character: " + Printable(s));
}

inline void CheckCleanList(const std::string& what, const std::vector<std::string>& list, size_t max_items,
                           size_t max_code_points) {
  LINGXI_FUZZ_CHECK(list.size() <= max_items, what + ": too many");
  for (size_t i = 0; i < list.size(); ++i) {
    CheckCleanText(what, list[i], max_code_points);
    LINGXI_FUZZ_CHECK(std::find(list.begin(), list.begin() + i, list[i]) == list.begin() + i,
                      what + ": duplicate " + Printable(list[i]));
  }
}

inline void CheckArticle(const domain::Article& a) {
  CheckCleanText("title", a.title, kb::kMaxTitleCodePoints);
  CheckCleanText("body", a.body, kb::kMaxBodyCodePoints);
  CheckCleanList("questions", a.questions, kb::kMaxQuestions, kb::kMaxQuestionCodePoints);
  CheckCleanList("tags", a.tags, kb::kMaxTags, kb::kMaxTagCodePoints);
  const bool language_ok = a.language.size() >= 2 && a.language.size() <= 16 &&
                           std::all_of(a.language.begin(), a.language.end(), [](char c) {
                             return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                           });
  LINGXI_FUZZ_CHECK(language_ok, "language " + Printable(a.language));
}

inline std::string DescribeArticle(const domain::Article& a) {
  std::string s = "title " + Printable(a.title) + "\nlanguage " + Printable(a.language) + "\nbody " + Printable(a.body);
  for (const auto& q : a.questions) s += "\nquestion " + Printable(q);
  for (const auto& t : a.tags) s += "\ntag " + Printable(t);
  return s;
}

inline bool SameArticle(const domain::Article& a, const domain::Article& b) {
  return a.title == b.title && a.body == b.body && a.questions == b.questions && a.tags == b.tags &&
         a.language == b.language;
}

}  // namespace lingxi::fuzz
