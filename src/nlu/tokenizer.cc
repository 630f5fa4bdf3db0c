#include "nlu/tokenizer.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include "nlu/internal/english.h"

namespace lingxi::nlu {
namespace {

enum class CharClass { kHan, kWord, kApostrophe, kOther };

CharClass Classify(UChar32 c) {
  if (c < 0x80) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) {
      return CharClass::kWord;
    }
    return c == '\'' ? CharClass::kApostrophe : CharClass::kOther;
  }
  if (c == 0x2019) return CharClass::kApostrophe;  // right single quotation mark
  if (IsHanCodePoint(static_cast<char32_t>(c))) return CharClass::kHan;
  if (u_isalnum(c) || u_hasBinaryProperty(c, UCHAR_DIACRITIC)) return CharClass::kWord;
  return CharClass::kOther;
}

struct Run {
  CharClass cls;
  std::string_view text;
};

// Calls `fn(Run)` for each maximal Han run and each word run (apostrophes inside words kept).
template <typename Fn>
void ForEachRun(std::string_view s, Fn&& fn) {
  const auto len = static_cast<int32_t>(s.size());
  int32_t i = 0;
  int32_t run_start = -1;
  CharClass run_cls = CharClass::kOther;
  auto flush = [&](int32_t end) {
    if (run_start >= 0) {
      std::string_view text =
          s.substr(static_cast<size_t>(run_start), static_cast<size_t>(end - run_start));
      while (!text.empty()) {
        if (text.back() == '\'') {
          text.remove_suffix(1);
        } else if (text.ends_with("\xE2\x80\x99")) {
          text.remove_suffix(3);
        } else {
          break;
        }
      }
      if (!text.empty()) fn(Run{run_cls, text});
    }
    run_start = -1;
  };
  while (i < len) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(s.data(), i, len, c);
    CharClass cls = c < 0 ? CharClass::kOther : Classify(c);
    if (cls == CharClass::kApostrophe) {
      // Part of a word only between word characters ("don't", "customer’s").
      if (run_start >= 0 && run_cls == CharClass::kWord) continue;
      cls = CharClass::kOther;
    }
    if (run_start >= 0 && cls != run_cls) flush(start);
    if (cls == CharClass::kOther) continue;
    if (run_start < 0) {
      run_start = start;
      run_cls = cls;
    }
  }
  flush(len);
}

// Splits a Han run into its UTF-8 characters.
std::vector<std::string_view> HanChars(std::string_view run) {
  std::vector<std::string_view> chars;
  const auto len = static_cast<int32_t>(run.size());
  int32_t i = 0;
  while (i < len) {
    int32_t start = i;
    U8_FWD_1(run.data(), i, len);
    chars.push_back(run.substr(static_cast<size_t>(start), static_cast<size_t>(i - start)));
  }
  return chars;
}

void AppendHanTerms(std::string_view run, std::vector<std::string>& out) {
  std::vector<std::string_view> chars = HanChars(run);
  for (std::string_view c : chars) {
    if (!internal::IsChineseStopChar(c)) out.emplace_back(c);
  }
  for (size_t j = 0; j + 1 < chars.size(); ++j) {
    std::string bigram(chars[j]);
    bigram.append(chars[j + 1]);
    out.push_back(std::move(bigram));
  }
}

void AppendWordTerm(std::string_view word, std::vector<std::string>& out) {
  std::string lower(word);
  for (char& ch : lower) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  // Stopword check on the surface form without possessive/apostrophes ("it's" -> "it").
  std::string bare = lower;
  if (bare.size() > 2 && (bare.ends_with("'s") || bare.ends_with("\xE2\x80\x99s"))) {
    bare.resize(bare.size() - (bare.ends_with("'s") ? 2 : 4));
  }
  std::string plain;
  for (size_t k = 0; k < bare.size(); ++k) {
    if (bare[k] == '\'') continue;
    if (bare.compare(k, 3, "\xE2\x80\x99") == 0) {
      k += 2;
      continue;
    }
    plain.push_back(bare[k]);
  }
  if (plain.empty() || internal::IsEnglishStopword(plain)) return;
  out.push_back(internal::StemEnglish(plain));
}

}  // namespace

bool IsHanCodePoint(char32_t c) {
  if (c < 0x2E80) return false;
  UErrorCode err = U_ZERO_ERROR;
  return uscript_getScript(static_cast<UChar32>(c), &err) == USCRIPT_HAN && U_SUCCESS(err) &&
         u_isalpha(static_cast<UChar32>(c));
}

std::vector<std::string> Tokenize(std::string_view normalized_text) {
  std::vector<std::string> out;
  ForEachRun(normalized_text, [&](const Run& run) {
    if (run.cls == CharClass::kHan) {
      AppendHanTerms(run.text, out);
    } else {
      AppendWordTerm(run.text, out);
    }
  });
  return out;
}

std::vector<std::string_view> SplitWordViews(std::string_view normalized_text) {
  std::vector<std::string_view> out;
  ForEachRun(normalized_text, [&](const Run& run) { out.push_back(run.text); });
  return out;
}

std::vector<std::string> SplitWords(std::string_view normalized_text) {
  const std::vector<std::string_view> views = SplitWordViews(normalized_text);
  return std::vector<std::string>(views.begin(), views.end());
}

}  // namespace lingxi::nlu
