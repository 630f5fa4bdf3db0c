#include "nlu/internal/english.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <unordered_set>

namespace lingxi::nlu::internal {
namespace {

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

bool HasVowel(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return IsVowel(c) || c == 'y'; });
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsPlainAsciiWord(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(),
                                   [](char c) { return (c >= 'a' && c <= 'z') || c == '\''; });
}

// "shipp" -> "ship"; l, s and z stay doubled ("call", "pass", "buzz").
void Undouble(std::string& w) {
  size_t n = w.size();
  if (n >= 3 && w[n - 1] == w[n - 2] && !IsVowel(w[n - 1]) && w[n - 1] != 'l' && w[n - 1] != 's' &&
      w[n - 1] != 'z') {
    w.pop_back();
  }
}

void StripPlural(std::string& w) {
  if (w.size() <= 3) return;
  if (EndsWith(w, "ies") && w.size() > 4) {
    w.replace(w.size() - 3, 3, "y");
  } else if (EndsWith(w, "sses") || EndsWith(w, "xes") || EndsWith(w, "ches") ||
             EndsWith(w, "shes") || EndsWith(w, "zzes")) {
    w.resize(w.size() - 2);
  } else if (w.back() == 's' && !EndsWith(w, "ss") && !EndsWith(w, "us") && !EndsWith(w, "is")) {
    w.pop_back();
  }
}

// Returns true if a verbal suffix was removed.
bool StripVerbSuffix(std::string& w) {
  if (EndsWith(w, "ing") && w.size() >= 6 &&
      HasVowel(std::string_view(w).substr(0, w.size() - 3))) {
    w.resize(w.size() - 3);
  } else if (EndsWith(w, "ied") && w.size() > 4) {
    w.replace(w.size() - 3, 3, "y");
    return false;
  } else if (EndsWith(w, "ed") && !EndsWith(w, "eed") && w.size() >= 5 &&
             HasVowel(std::string_view(w).substr(0, w.size() - 2))) {
    w.resize(w.size() - 2);
  } else {
    return false;
  }
  Undouble(w);
  return true;
}

}  // namespace

std::string StemEnglish(std::string_view word) {
  if (!IsPlainAsciiWord(word)) return std::string(word);
  std::string w(word);
  if (EndsWith(w, "'s")) w.resize(w.size() - 2);
  w.erase(std::remove(w.begin(), w.end(), '\''), w.end());
  if (w.size() <= 3) return w;
  StripPlural(w);
  StripVerbSuffix(w);
  // Drop a silent final e so "charge", "charged", "charging" meet at "charg" ("free", "see" keep
  // it).
  if (w.size() >= 4 && w.back() == 'e' && w[w.size() - 2] != 'e') w.pop_back();
  // British doubling: "cancelled" -> "cancell" -> "cancel"; applied to the base form too.
  if (w.size() >= 6 && EndsWith(w, "ll")) w.pop_back();
  return w;
}

bool IsEnglishStopword(std::string_view word) {
  static const std::unordered_set<std::string_view> kStop = {
      "a",      "an",    "the",   "is",    "am",    "are",  "was",   "were",  "be",    "been",
      "being",  "i",     "me",    "my",    "mine",  "you",  "your",  "yours", "we",    "our",
      "us",     "he",    "him",   "his",   "she",   "her",  "it",    "its",   "they",  "them",
      "their",  "this",  "that",  "these", "those", "to",   "of",    "in",    "on",    "at",
      "for",    "with",  "by",    "from",  "as",    "and",  "or",    "but",   "if",    "so",
      "do",     "does",  "did",   "have",  "has",   "had",  "can",   "could", "would", "should",
      "will",   "shall", "may",   "might", "must",  "what", "which", "who",   "whom",  "how",
      "when",   "where", "why",   "there", "here",  "then", "than",  "about", "into",  "just",
      "please", "pls",   "hi",    "hello", "hey",   "im",   "ive",   "id",    "youre", "ill",
      "also",   "too",   "very",  "any",   "some",  "all",  "get",   "got",   "want",  "need",
      "like",   "know",  "tell",  "let",   "up",    "out",  "s",     "t",     "yes",   "ok",
      "okay",   "thank", "thanks"};
  return kStop.contains(word);
}

bool IsChineseStopChar(std::string_view c) {
  static constexpr std::array<std::string_view, 24> kStop = {
      "的", "了", "吗", "呢", "吧", "啊", "呀", "嘛", "哦", "哈", "么", "我",
      "你", "您", "他", "她", "它", "们", "是", "个", "这", "那", "请", "和"};
  return std::find(kStop.begin(), kStop.end(), c) != kStop.end();
}

bool IsShouting(std::string_view raw) {
  size_t words = 0, caps = 0;
  for (size_t i = 0; i < raw.size();) {
    if (!std::isalpha(static_cast<unsigned char>(raw[i]))) {
      ++i;
      continue;
    }
    size_t j = i;
    bool upper = true;
    while (j < raw.size() && std::isalpha(static_cast<unsigned char>(raw[j]))) {
      upper = upper && std::isupper(static_cast<unsigned char>(raw[j]));
      ++j;
    }
    ++words;
    if (upper && j - i >= 3) ++caps;
    i = j;
  }
  return caps >= 2 && caps * 2 >= words;
}

}  // namespace lingxi::nlu::internal
