#include "bot/query_cleaner.h"

#include <array>

#include "core/utf8.h"

namespace lingxi::bot {

namespace {

// Longest first, so that "我想问一下" is removed before "一下".
constexpr std::array<std::string_view, 32> kZhFillers = {
    "我想问一下", "想问一下", "麻烦问一下", "请问一下", "我想咨询", "我想知道", "我想问", "请问", "您好", "你好",
    "麻烦", "一下", "谢谢", "怎么办", "怎么回事", "可以吗", "能不能", "是不是", "吗", "呢", "吧", "啊", "呀", "哦",
    "嘛", "啦", "哈", "请", "亲", "呐", "唉", "嗯"};

constexpr std::array<std::string_view, 12> kEnFillers = {
    "can you tell me ", "could you tell me ", "i would like to know ", "i want to know ", "please ",
    "hi ", "hello ", "hey ", "excuse me ", "thanks", "thank you", "pls "};

void RemoveAll(std::string& s, std::string_view needle, std::string_view with) {
  size_t pos = 0;
  while ((pos = s.find(needle, pos)) != std::string::npos) {
    s.replace(pos, needle.size(), with);
    pos += with.size();
  }
}


// Follow-up openers ("那…呢", "and…", "what about…") carry no topic of their own.
constexpr std::array<std::string_view, 11> kLeadIns = {"那么", "那", "还有", "另外", "and ", "so ", "what about ",
                                                       "how about ", "also ", "then ", "ok "};

std::string StripLeadIns(std::string s) {
  for (bool again = true; again;) {
    again = false;
    for (auto lead : kLeadIns) {
      if (s.size() > lead.size() && s.compare(0, lead.size(), lead) == 0) {
        s = std::string(TrimWhitespace(std::string_view(s).substr(lead.size())));
        again = true;
      }
    }
  }
  return s;
}

}  // namespace

std::string CleanQuery(const nlu::Normalizer& norm, std::string_view raw) {
  return CleanNormalizedQuery(norm.Normalize(raw));
}

std::string CleanNormalizedQuery(std::string normalized) {
  std::string s = StripLeadIns(std::move(normalized));
  for (auto f : kZhFillers) RemoveAll(s, f, " ");
  s = " " + s + " ";
  for (auto f : kEnFillers) RemoveAll(s, std::string(" ") + std::string(f), " ");
  return std::string(TrimWhitespace(s));
}

}  // namespace lingxi::bot
