#include "nlu/sentiment.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "nlu/internal/english.h"
#include "nlu/internal/sentiment_lexicon.h"
#include "nlu/tokenizer.h"

namespace lingxi::nlu {
namespace {

using internal::GetSentimentLexicon;
using internal::LexEntry;
using internal::LexRole;

constexpr int kScope =
    3; // units (Han characters or words) a negator/intensifier reaches
constexpr float kContrastDiscount = 0.3f;
constexpr float kNegatedPositive =
    -0.8f; // "not happy": flipped, a little weaker
constexpr float kNegatedNegative = -0.5f; // "not bad": mildly positive
constexpr float kLabelThreshold = 0.2f;
constexpr float kUrgentThreshold = 0.5f;

struct Emoji {
  char32_t cp;
  std::string_view text;
  float weight;
  float urgency;
};

constexpr Emoji kEmoji[] = {
    {0x1F621, "😡", -0.5f, 0},    {0x1F620, "😠", -0.5f, 0},
    {0x1F92C, "🤬", -0.6f, 0}, {0x1F624, "😤", -0.4f, 0},
    {0x1F62D, "😭", -0.4f, 0},    {0x1F622, "😢", -0.4f, 0},
    {0x1F61E, "😞", -0.4f, 0},    {0x1F614, "😔", -0.3f, 0},
    {0x1F44E, "👎", -0.5f, 0},    {0x1F4A2, "💢", -0.4f, 0},
    {0x1F644, "🙄", -0.3f, 0}, {0x1F612, "😒", -0.3f, 0},
    {0x1F62B, "😫", -0.4f, 0},    {0x1F629, "😩", -0.4f, 0},
    {0x1F623, "😣", -0.3f, 0},    {0x1F616, "😖", -0.3f, 0},
    {0x1F4A9, "💩", -0.5f, 0},    {0x1F44D, "👍", 0.5f, 0},
    {0x1F60A, "😊", 0.4f, 0},     {0x1F600, "😀", 0.4f, 0},
    {0x1F601, "😁", 0.4f, 0},     {0x1F604, "😄", 0.4f, 0},
    {0x1F603, "😃", 0.4f, 0},     {0x1F642, "🙂", 0.3f, 0},
    {0x2764, "❤", 0.5f, 0},      {0x1F970, "🥰", 0.5f, 0},
    {0x1F60D, "😍", 0.5f, 0},     {0x1F44F, "👏", 0.5f, 0},
    {0x1F4AF, "💯", 0.5f, 0},     {0x1F389, "🎉", 0.4f, 0},
    {0x1F64F, "🙏", 0.2f, 0},     {0x1F44C, "👌", 0.4f, 0},
    {0x1F198, "🆘", -0.2f, 0.6f}, {0x1F6A8, "🚨", 0, 0.5f},
    {0x23F0, "⏰", 0, 0.3f},
};

const Emoji *FindEmoji(char32_t cp) {
  for (const Emoji &e : kEmoji) {
    if (e.cp == cp)
      return &e;
  }
  return nullptr;
}

enum class UnitType { kHan, kWord, kBreak, kEmoji };

struct Unit {
  UnitType type;
  std::string_view text; // one Han character, a word, or the emoji
  std::string_view rest; // kHan: from this character to the end of its Han run
  const Emoji *emoji = nullptr;
};

bool IsBreak(char32_t c) {
  switch (c) {
  case ',':
  case '.':
  case ';':
  case ':':
  case '!':
  case '?':
  case '~':
  case '\n':
  case 0x3002:
  case 0x3001:
  case 0xFF0C:
  case 0xFF1B:
  case 0xFF01:
  case 0xFF1F:
  case 0x2026:
    return true;
  default:
    return false;
  }
}

bool IsWordChar(UChar32 c) {
  if (c < 0x80)
    return std::isalnum(c) != 0;
  return u_isalnum(c) && !IsHanCodePoint(static_cast<char32_t>(c));
}

// Splits `s` into Han characters, words (with inner apostrophes), clause breaks
// and known emoji.
std::vector<Unit> Scan(std::string_view s) {
  std::vector<Unit> units;
  units.reserve(s.size() / 2 + 1);
  const auto len = static_cast<int32_t>(s.size());
  int32_t i = 0;
  size_t han_run_first =
      0; // index in `units` of the first character of the current Han run
  bool in_han = false;
  auto close_han = [&](size_t end_byte) {
    if (!in_han)
      return;
    for (size_t k = han_run_first; k < units.size(); ++k) {
      const size_t start = static_cast<size_t>(units[k].text.data() - s.data());
      units[k].rest = s.substr(start, end_byte - start);
    }
    in_han = false;
  };
  while (i < len) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s.data(), i, len, c);
    if (c < 0)
      continue;
    std::string_view text =
        s.substr(static_cast<size_t>(start), static_cast<size_t>(i - start));
    if (IsHanCodePoint(static_cast<char32_t>(c))) {
      if (!in_han)
        han_run_first = units.size(), in_han = true;
      units.push_back({UnitType::kHan, text, {}});
      continue;
    }
    close_han(static_cast<size_t>(start));
    if (IsWordChar(c)) {
      int32_t end = i;
      while (end < len) {
        int32_t j = end;
        UChar32 d;
        U8_NEXT(s.data(), j, len, d);
        if (d >= 0 && IsWordChar(d)) {
          end = j;
        } else if (d == '\'' && j < len &&
                   std::isalnum(static_cast<unsigned char>(s[j]))) {
          end =
              j; // "don't"; the apostrophe is kept only between word characters
        } else {
          break;
        }
      }
      units.push_back({UnitType::kWord,
                       s.substr(static_cast<size_t>(start),
                                static_cast<size_t>(end - start)),
                       {}});
      i = end;
    } else if (IsBreak(static_cast<char32_t>(c))) {
      units.push_back({UnitType::kBreak, text, {}});
    } else if (const Emoji *e = FindEmoji(static_cast<char32_t>(c))) {
      units.push_back({UnitType::kEmoji, text, {}, e});
    }
  }
  close_han(s.size());
  return units;
}

size_t CodePoints(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char ch) {
    return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  }));
}

// Longest lexicon entry starting at units[i]; sets *n_units to the units it
// covers.
const LexEntry *Match(const std::vector<Unit> &u, size_t i, size_t *n_units) {
  const auto &lex = GetSentimentLexicon();
  if (u[i].type == UnitType::kHan) {
    auto it = lex.zh_by_first_char.find(u[i].text);
    if (it == lex.zh_by_first_char.end())
      return nullptr;
    for (const LexEntry *e : it->second) {
      if (u[i].rest.starts_with(e->text)) {
        *n_units = CodePoints(e->text);
        return e;
      }
    }
    return nullptr;
  }
  auto it = lex.en_by_first_word.find(u[i].text);
  if (it != lex.en_by_first_word.end()) {
    for (const LexEntry *e : it->second) {
      std::string_view rest = e->text;
      size_t k = i;
      bool ok = true;
      while (ok) {
        const size_t sp = rest.find(' ');
        const std::string_view w = rest.substr(0, sp);
        ok = k < u.size() && u[k].type == UnitType::kWord && u[k].text == w;
        ++k;
        if (sp == std::string_view::npos)
          break;
        rest.remove_prefix(sp + 1);
      }
      if (ok) {
        *n_units = k - i;
        return e;
      }
    }
  }
  for (const LexEntry &e : lex.en_prefixes) {
    if (u[i].text.starts_with(e.text)) {
      *n_units = 1;
      return &e;
    }
  }
  return nullptr;
}

bool EndsWithNegation(std::string_view text) {
  const size_t sp = text.rfind(' ');
  const std::string_view last =
      sp == std::string_view::npos ? text : text.substr(sp + 1);
  return last == "not" || last.ends_with("n't") || last == "cannot";
}

// 发不发, 是不是, 有没有: the negator sits between two equal characters and
// asks a question.
bool IsANotAQuestion(const std::vector<Unit> &u, size_t i) {
  return (u[i].text == "不" || u[i].text == "没") && i > 0 &&
         i + 1 < u.size() && u[i - 1].type == UnitType::kHan &&
         u[i + 1].type == UnitType::kHan && u[i - 1].text == u[i + 1].text;
}

bool StartsDeadline(std::string_view after) {
  for (std::string_view s :
       {"前", "之前", "以前", "就要", "必须", "一定要", "务必", "要到"}) {
    if (after.starts_with(s))
      return true;
  }
  return false;
}

class Analyzer {
public:
  explicit Analyzer(SentimentResult *r) : r_(r) {}

  void Run(const std::vector<Unit> &u) {
    for (size_t i = 0; i < u.size();) {
      if (u[i].type == UnitType::kBreak) {
        EndClause();
        ++i;
        continue;
      }
      if (u[i].type == UnitType::kEmoji) {
        AddPolar(u[i].emoji->text, u[i].emoji->weight, false);
        if (u[i].emoji->urgency > 0)
          AddUrgency(u[i].emoji->text, u[i].emoji->urgency);
        ++i;
        continue;
      }
      size_t n = 1;
      const LexEntry *e = IsANotAQuestion(u, i) ? nullptr : Match(u, i, &n);
      if (e == nullptr && u[i].type == UnitType::kWord &&
          u[i].text.ends_with("n't")) {
        StartNegation(1.0f);
      } else if (e == nullptr) {
        Tick();
      } else {
        Apply(*e, u, i, n);
      }
      prev_prep_end_ = (e != nullptr && e->role == LexRole::kDeadlinePrep)
                           ? i + n
                           : SIZE_MAX;
      i += n;
    }
    EndClause();
  }

  // Courtesy (谢谢, thanks) is positive only when nothing negative was said.
  float pos() const { return pos_ + (neg_ == 0 ? courtesy_ : 0); }
  float neg() const { return neg_; }
  float urgency() const { return urgency_; }
  bool calm() const { return calm_; }

  // Emphasis ("!!!", caps) amplifies a positive message and adds to the
  // negative side otherwise.
  void AddEmphasis(std::string_view text, float amount) {
    if (pos() > neg_) {
      pos_ *= 1.0f + amount;
      courtesy_ *= 1.0f + amount;
      r_->cues.push_back({text, CueKind::kEmphasis, false, amount});
    } else {
      neg_ += amount;
      r_->cues.push_back({text, CueKind::kEmphasis, false, -amount});
    }
  }
  void AddUrgency(std::string_view text, float amount) {
    urgency_ += amount;
    r_->cues.push_back({text, CueKind::kUrgency, false, amount});
  }

private:
  void Apply(const LexEntry &e, const std::vector<Unit> &u, size_t i,
             size_t n) {
    switch (e.role) {
    case LexRole::kNegator:
      StartNegation(e.value);
      return;
    case LexRole::kIntensifier:
      mult_ *= e.value;
      mult_left_ = kScope;
      return;
    case LexRole::kContrast:
      EndClause();
      pos_ *= kContrastDiscount;
      neg_ *= kContrastDiscount;
      return;
    case LexRole::kConcession:
      concession_ = true;
      return;
    case LexRole::kShield:
      if (e.value != 0)
        AddPolar(e.text, e.value, false);
      return;
    case LexRole::kCalm:
      MarkCalm(e.text);
      return;
    case LexRole::kDeadlinePrep:
      return;
    case LexRole::kTimeWord: {
      const bool zh = u[i].type == UnitType::kHan;
      const bool deadline = zh ? StartsDeadline(u[i].rest.substr(e.text.size()))
                               : prev_prep_end_ == i;
      if (deadline)
        AddUrgency(e.text, zh ? 0.5f : 0.4f);
      Tick();
      return;
    }
    case LexRole::kNegatable:
      if (neg_left_ > 0)
        AddPolar(e.text, e.value * neg_strength_ * mult_, true);
      Tick();
      return;
    case LexRole::kPolar:
      break;
    }
    if (e.urgency > 0) {
      if (neg_left_ > 0) {
        MarkCalm(e.text); // "not urgent"
      } else {
        AddUrgency(e.text, e.urgency * mult_);
      }
      ResetScope();
      if (e.value != 0)
        AddPolar(e.text, e.value, false);
    } else if (e.courtesy && neg_left_ == 0) {
      ResetScope();
      courtesy_ += e.value;
      r_->cues.push_back({e.text, CueKind::kPositive, false, e.value});
    } else if (e.complaint) {
      const bool negated = neg_left_ > 0;  // "我不会投诉", "I won't complain"
      ResetScope();
      if (negated) {
        r_->cues.push_back({e.text, CueKind::kComplaint, true, 0});
      } else {
        r_->complaint = true;
        AddPolar(e.text, e.value, false, CueKind::kComplaint);
      }
    } else {
      float v = e.value * mult_;
      const bool negated = neg_left_ > 0;
      if (negated)
        v *= (v > 0 ? kNegatedPositive : kNegatedNegative) *
             std::min(1.0f, neg_strength_);
      ResetScope();
      AddPolar(e.text, v, negated);
    }
    if (u[i].type == UnitType::kWord && EndsWithNegation(e.text))
      StartNegation(1.0f); // "still not"
    (void)n;
  }

  void AddPolar(std::string_view text, float v, bool negated,
                CueKind kind = CueKind::kPositive) {
    if (v == 0)
      return;
    if (kind != CueKind::kComplaint)
      kind = v > 0 ? CueKind::kPositive : CueKind::kNegative;
    (v > 0 ? clause_pos_ : clause_neg_) += std::fabs(v);
    r_->cues.push_back({text, kind, negated, v});
  }

  void MarkCalm(std::string_view text) {
    calm_ = true;
    ResetScope();
    r_->cues.push_back({text, CueKind::kCalm, false, 0});
  }

  void StartNegation(float strength) {
    neg_strength_ = strength;
    neg_left_ = kScope;
  }

  void ResetScope() {
    neg_left_ = 0;
    mult_ = 1;
    mult_left_ = 0;
  }

  // A unit that is not a cue: negation and intensifiers reach only a few units.
  void Tick() {
    if (neg_left_ > 0)
      --neg_left_;
    if (mult_left_ > 0 && --mult_left_ == 0)
      mult_ = 1;
  }

  void EndClause() {
    const float f = concession_ ? kContrastDiscount : 1.0f;
    pos_ += clause_pos_ * f;
    neg_ += clause_neg_ * f;
    clause_pos_ = clause_neg_ = 0;
    concession_ = false;
    ResetScope();
  }

  SentimentResult *r_;
  float pos_ = 0, neg_ = 0, courtesy_ = 0, clause_pos_ = 0, clause_neg_ = 0,
        urgency_ = 0;
  float neg_strength_ = 1, mult_ = 1;
  int neg_left_ = 0, mult_left_ = 0;
  bool concession_ = false, calm_ = false;
  size_t prev_prep_end_ = SIZE_MAX;
};

// Longest run of '!'/'?' in normalized text (full-width forms are ASCII after
// NFKC).
void Punctuation(std::string_view normalized, size_t *run, bool *bang) {
  size_t cur = 0;
  bool cur_bang = false;
  *run = 0;
  *bang = false;
  for (char ch : normalized) {
    if (ch == '!' || ch == '?') {
      ++cur;
      cur_bang = cur_bang || ch == '!';
      if (cur > *run)
        *run = cur, *bang = cur_bang;
    } else if (ch != ' ') {
      cur = 0;
      cur_bang = false;
    }
  }
}

} // namespace

std::string_view SentimentLabelName(SentimentLabel label) {
  switch (label) {
  case SentimentLabel::kNegative:
    return "negative";
  case SentimentLabel::kPositive:
    return "positive";
  case SentimentLabel::kNeutral:
    break;
  }
  return "neutral";
}

SentimentResult AnalyzeSentimentNormalized(std::string_view raw,
                                           std::string_view normalized) {
  SentimentResult r;
  std::string apostrophes; // "don’t" -> "don't", only when the text has a curly
                           // apostrophe
  if (normalized.find("\xE2\x80\x99") != std::string_view::npos) {
    apostrophes.reserve(normalized.size());
    for (size_t p = 0; p < normalized.size(); ++p) {
      const bool curly = normalized.compare(p, 3, "\xE2\x80\x99") == 0;
      apostrophes.push_back(curly ? '\'' : normalized[p]);
      if (curly)
        p += 2;
    }
    normalized = apostrophes;
  }
  Analyzer a(&r);
  a.Run(Scan(normalized));

  size_t run = 0;
  bool bang = false;
  Punctuation(normalized, &run, &bang);
  if (run >= 3) {
    a.AddEmphasis(bang ? "!!!" : "???", 0.3f);
    if (bang)
      a.AddUrgency("!!!", 0.1f);
  } else if (run == 2 && bang) {
    a.AddEmphasis("!!", 0.15f);
  }
  if (internal::IsShouting(raw)) {
    a.AddEmphasis("ALL CAPS", 0.3f);
    a.AddUrgency("ALL CAPS", 0.1f);
  }

  const float s = a.pos() - a.neg();
  r.polarity = s / std::sqrt(s * s + 1.0f);
  r.negativity = std::min(1.0f, a.neg());
  r.urgency = std::min(1.0f, a.urgency()) * (a.calm() ? 0.2f : 1.0f);
  r.label = r.polarity <= -kLabelThreshold  ? SentimentLabel::kNegative
            : r.polarity >= kLabelThreshold ? SentimentLabel::kPositive
                                            : SentimentLabel::kNeutral;
  r.urgent = r.urgency >= kUrgentThreshold;
  return r;
}

SentimentResult AnalyzeSentiment(const Normalizer &normalizer,
                                 std::string_view raw) {
  const std::string normalized = normalizer.Normalize(raw);
  return AnalyzeSentimentNormalized(raw, normalized);
}

} // namespace lingxi::nlu
