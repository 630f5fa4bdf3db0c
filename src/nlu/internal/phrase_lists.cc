#include "nlu/internal/phrase_lists.h"

#include <algorithm>

namespace lingxi::nlu::internal {
namespace {

void LongestFirst(std::vector<std::string_view>& v) {
  std::stable_sort(v.begin(), v.end(),
                   [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
}

PhraseLists MakeLists() {
  PhraseLists l;
  l.zh_human = {"转人工",   "人工客服", "人工服务", "人工坐席", "找人工", "要人工",
                "接人工",   "人工",     "真人",     "活人",     "找客服", "联系客服",
                "客服电话", "转客服",   "转接客服", "找经理",   "找主管", "找你们领导"};
  l.zh_human_exclusions = {"人工智能", "人工费", "人工成本"};
  l.en_human_words = {"human",           "humans",   "agent",     "agents",     "representative",
                      "representatives", "operator", "operators", "supervisor", "manager"};
  l.en_human_verbs = {"talk", "speak", "chat", "connect", "transfer", "put"};
  l.en_human_objects = {"someone", "somebody", "person", "people",
                        "staff",   "rep",      "anyone", "employee"};
  l.en_human_adjectives = {"real", "live", "actual"};

  l.zh_negative = {
      {"垃圾", 0.5},   {"骗子", 0.6},     {"气死", 0.5}, {"投诉", 0.5},  {"差评", 0.5},
      {"什么破", 0.5}, {"搞什么", 0.5},   {"退钱", 0.5}, {"离谱", 0.4},  {"坑人", 0.5},
      {"骗人", 0.5},   {"忍无可忍", 0.6}, {"妈的", 0.6}, {"他妈", 0.6},  {"傻逼", 0.7},
      {"滚蛋", 0.6},   {"废物", 0.5},     {"黑心", 0.5}, {"12315", 0.6}, {"消协", 0.6},
      {"报警", 0.5},   {"起诉", 0.5},     {"曝光", 0.4}, {"混蛋", 0.6},  {"王八蛋", 0.7},
      {"去死", 0.6},   {"太差", 0.4},     {"无语", 0.3}, {"失望", 0.3},  {"生气", 0.3},
      {"愤怒", 0.4},   {"受够", 0.4},     {"没用", 0.3}, {"恶心", 0.4},  {"太慢", 0.3},
      {"不满", 0.3},   {"烦死", 0.4},     {"欺骗", 0.5}, {"敷衍", 0.4},  {"扯皮", 0.4},
      {"什么鬼", 0.4}, {"服了", 0.3},     {"醉了", 0.3}, {"坑爹", 0.5},  {"骗钱", 0.6},
      {"太坑", 0.5}};
  l.en_negative = {
      {"terrible", 0.5},      {"ridiculous", 0.5}, {"useless", 0.5},     {"scam", 0.6},
      {"scammer", 0.6},       {"scammers", 0.6},   {"angry", 0.4},       {"worst", 0.5},
      {"wtf", 0.6},           {"awful", 0.5},      {"horrible", 0.5},    {"pathetic", 0.5},
      {"unacceptable", 0.5},  {"furious", 0.6},    {"disgusting", 0.5},  {"fraud", 0.6},
      {"lawyer", 0.5},        {"sue", 0.5},        {"garbage", 0.5},     {"trash", 0.4},
      {"crap", 0.5},          {"ripoff", 0.5},     {"idiot", 0.6},       {"idiots", 0.6},
      {"stupid", 0.5},        {"hate", 0.4},       {"damn", 0.4},        {"incompetent", 0.5},
      {"annoyed", 0.3},       {"frustrated", 0.4}, {"frustrating", 0.4}, {"disappointed", 0.3},
      {"disappointing", 0.3}, {"upset", 0.3},      {"nonsense", 0.4},    {"liar", 0.5},
      {"liars", 0.5},         {"joke", 0.3},       {"wth", 0.5},         {"omfg", 0.6}};
  l.en_negative_prefixes = {{"fuck", 0.7}, {"shit", 0.6}, {"bullshit", 0.7}};
  l.en_negative_phrases = {{"fed", "up"},   {"sick", "of"},     {"rip", "off"},
                           {"waste", "of"}, {"never", "again"}, {"what", "the", "hell"}};

  l.zh_greeting_core = {"你好",     "您好",   "在吗", "在么", "在嘛",   "在不在", "有人吗",
                        "有人在吗", "哈喽",   "哈啰", "嗨",   "早上好", "上午好", "中午好",
                        "下午好",   "晚上好", "早安", "午安", "你们好", "大家好"};
  l.zh_greeting_filler = {"客服", "请问", "亲", "啊", "呀", "哈", "呢", "吗", "嗯",
                          "哦",   "喔",   "啦", "哇", "你", "您", "们", "在"};
  l.en_greeting_core = {"hi",      "hello",     "hey",     "hiya", "howdy", "greetings",
                        "morning", "afternoon", "evening", "yo",   "hallo", "heya"};
  l.en_greeting_filler = {"good", "there", "anyone", "anybody", "someone",  "is",
                          "are",  "you",   "team",   "all",     "everyone", "support",
                          "guys", "folks", "dear",   "sir",     "madam",    "ok",
                          "oh",   "um",    "uh",     "here"};
  l.zh_thanks_core = {"谢谢",   "多谢", "感谢", "谢了",   "谢啦", "没问题了",   "没事了",
                      "解决了", "再见", "拜拜", "辛苦了", "辛苦", "没有问题了", "没别的问题了"};
  l.zh_thanks_filler = {"好的", "好滴", "知道了", "明白了", "收到", "可以", "非常", "十分", "客服",
                        "好",   "嗯",   "哦",     "行",     "了",   "啊",   "呀",   "啦",   "哈",
                        "您",   "你",   "们",     "太",     "亲",   "的",   "那",   "就",   "这样"};
  l.en_thanks_core = {"thanks", "thank", "thx",     "ty",         "tks",
                      "cheers", "bye",   "goodbye", "appreciate", "appreciated"};
  l.en_thanks_filler = {
      "you",    "so",   "very", "much",    "a",    "lot",     "ok",      "okay",    "great", "cool",
      "got",    "it",   "that", "thats",   "all",  "perfect", "awesome", "alright", "many",  "for",
      "your",   "the",  "help", "helping", "nice", "good",    "again",   "and",     "have",  "day",
      "sounds", "fine", "i",    "really",  "oh",   "ah",      "great",   "see",     "ya",    "bye"};
  l.zh_followup_prefixes = {"那么", "那如果", "那要是", "还有", "另外",
                            "然后", "顺便",   "再问",   "那"};
  l.zh_pronouns = {"这个", "那个", "这些", "那些", "这样", "那样",
                   "这款", "那款", "这件", "那件", "这单", "它"};
  l.en_pronouns = {"it", "that", "this", "those", "these", "they", "them", "one"};

  for (auto* v : {&l.zh_human, &l.zh_greeting_core, &l.zh_greeting_filler, &l.zh_thanks_core,
                  &l.zh_thanks_filler, &l.zh_followup_prefixes}) {
    LongestFirst(*v);
  }
  return l;
}

}  // namespace

const PhraseLists& GetPhraseLists() {
  static const PhraseLists kLists = MakeLists();
  return kLists;
}

}  // namespace lingxi::nlu::internal
