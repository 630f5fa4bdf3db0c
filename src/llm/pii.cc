#include "llm/pii.h"

#include <algorithm>
#include <cstdint>
#include <regex>
#include <utility>

namespace lingxi::llm {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// ---- numbers: ID cards, phones, bank cards ----

struct NumberGroup {
  size_t begin, end;  // bytes, digits only (plus a trailing X on ID cards)
};

std::optional<PiiKind> ClassifyDigits(const std::string& d, bool plus, bool separated, const PiiMasker::Options& o) {
  if (o.id_cards && !plus && !separated && d.size() == 18 && PiiMasker::ChineseIdValid(d)) return PiiKind::kIdCard;
  if (o.phones) {
    std::string rest;
    if (plus && d.starts_with("86")) {
      rest = d.substr(2);
    } else if (!plus && d.starts_with("0086")) {
      rest = d.substr(4);
    } else if (!plus && d.size() == 13 && d.starts_with("86")) {
      rest = d.substr(2);
    } else if (!plus) {
      rest = d;
    }
    if (rest.size() == 11 && rest[0] == '1' && rest[1] >= '3' && rest[1] <= '9') return PiiKind::kPhone;
    if (plus && d.size() >= 8 && d.size() <= 15) return PiiKind::kPhone;
  }
  if (o.bank_cards && !plus && d.size() >= 13 && d.size() <= 19 && PiiMasker::LuhnValid(d)) return PiiKind::kBankCard;
  return std::nullopt;
}

// True if an e-mail address in `found` ends at `pos`.
bool EmailEndsAt(const std::vector<PiiMatch>& found, size_t pos) {
  return std::any_of(found.begin(), found.end(),
                     [pos](const PiiMatch& m) { return m.kind == PiiKind::kEmail && m.end == pos; });
}

// True if the word ending at `end` (ASCII letters, digits, '_') has a letter or '_': an identifier
// such as "LX2024" or "RMA", not a number. The word starts no earlier than the end of an e-mail
// address in `found` (in "li@example.com13812345678" the domain is no identifier).
bool IdentifierEndsAt(std::string_view t, size_t end, const std::vector<PiiMatch>& found) {
  size_t b = end;
  while (b > 0 && (IsAsciiAlnum(t[b - 1]) || t[b - 1] == '_') && !EmailEndsAt(found, b)) --b;
  for (size_t k = b; k < end; ++k) {
    if (IsAsciiAlpha(t[k]) || t[k] == '_') return true;
  }
  return false;
}

// `out` holds the e-mail addresses found so far.
void FindNumbers(std::string_view t, const PiiMasker::Options& o, std::vector<PiiMatch>& out) {
  size_t i = 0;
  while (i < t.size()) {
    bool plus = t[i] == '+' && i + 1 < t.size() && IsDigit(t[i + 1]);
    if (!IsDigit(t[i]) && !plus) {
      ++i;
      continue;
    }
    size_t run_begin = i;
    // Digits glued to an identifier ("LX2024…", "RMA-1381…") are part of that identifier; after
    // another number ("13812345678/13912345678", "…5678+86…") they are a number of their own.
    bool glued_left = i > 0 && (IdentifierEndsAt(t, i, out) ||
                                ((t[i - 1] == '-' || t[i - 1] == '/') && i > 1 && IdentifierEndsAt(t, i - 1, out)));
    if (plus) ++i;
    std::vector<NumberGroup> groups;
    for (;;) {
      size_t g = i;
      while (i < t.size() && IsDigit(t[i])) ++i;
      groups.push_back({g, i});
      // One space or dash between digit groups keeps the run going ("138 1234-5678").
      if (i + 1 < t.size() && (t[i] == ' ' || t[i] == '-') && IsDigit(t[i + 1])) {
        ++i;
        continue;
      }
      break;
    }
    // An ID card may end in X.
    if (i < t.size() && (t[i] == 'X' || t[i] == 'x') && groups.size() == 1 && i - groups[0].begin == 17) {
      ++i;
      groups.back().end = i;
    }
    size_t run_end = i;
    // Letters that start an e-mail address ("… 233li@example.com") are no identifier either.
    bool glued_right = run_end < t.size() && (IsAsciiAlnum(t[run_end]) || t[run_end] == '_') &&
                       !std::any_of(out.begin(), out.end(), [run_end](const PiiMatch& m) {
                         return m.kind == PiiKind::kEmail && m.begin <= run_end && run_end < m.end;
                       });
    while (i < t.size() && (IsAsciiAlnum(t[i]) || t[i] == '_')) ++i;  // skip the rest of a word like "12ab"
    if (glued_left || glued_right) continue;  // part of an identifier such as an order number
    // Longest classifiable span of consecutive groups, left to right.
    size_t a = 0;
    while (a < groups.size()) {
      size_t best = 0;
      PiiKind kind{};
      for (size_t b = groups.size(); b > a; --b) {
        std::string digits;
        for (size_t k = a; k < b; ++k) {
          for (size_t p = groups[k].begin; p < groups[k].end; ++p) {
            digits.push_back(t[p] == 'x' ? 'X' : t[p]);
          }
        }
        bool with_plus = plus && a == 0;
        if (auto c = ClassifyDigits(digits, with_plus, b - a > 1, o)) {
          best = b;
          kind = *c;
          break;
        }
      }
      if (best == 0) {
        ++a;
        continue;
      }
      size_t begin = (plus && a == 0) ? run_begin : groups[a].begin;
      out.push_back({kind, begin, groups[best - 1].end});
      a = best;
    }
  }
}

// ---- e-mail ----

bool IsLocalChar(char c) { return IsAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }
bool IsDomainChar(char c) { return IsAsciiAlnum(c) || c == '.' || c == '-'; }

// "[" A-Z (A-Z or _)* "_" digits "]": the shape of a placeholder.
void FindPlaceholderLookalikes(std::string_view t, std::vector<PiiMatch>& out) {
  for (size_t open = t.find('['); open != std::string_view::npos; open = t.find('[', open + 1)) {
    size_t i = open + 1;
    if (i >= t.size() || !(t[i] >= 'A' && t[i] <= 'Z')) continue;
    size_t last_underscore = std::string_view::npos;
    while (i < t.size() && i - open <= 40 && ((t[i] >= 'A' && t[i] <= 'Z') || t[i] == '_')) {
      if (t[i] == '_') last_underscore = i;
      ++i;
    }
    if (last_underscore != i - 1) continue;  // letters must end in "_" before the number
    size_t digits = i;
    while (i < t.size() && IsDigit(t[i]) && i - digits < 9) ++i;
    if (i == digits || i >= t.size() || t[i] != ']') continue;
    out.push_back({PiiKind::kLiteral, open, i + 1});
  }
}

void FindEmails(std::string_view t, std::vector<PiiMatch>& out) {
  for (size_t at = t.find('@'); at != std::string_view::npos; at = t.find('@', at + 1)) {
    size_t l = at;
    while (l > 0 && IsLocalChar(t[l - 1])) --l;
    while (l < at && t[l] == '.') ++l;
    size_t r = at + 1;
    while (r < t.size() && IsDomainChar(t[r])) ++r;
    // The domain ends after its last ".letters" label (two letters or more); digits, dots and
    // dashes after it belong to what follows ("li@example.com88号楼", "li@example.com.88号").
    size_t end = 0;
    for (size_t k = at + 2; k < r; ++k) {
      if (t[k] != '.' || t[k - 1] == '.') continue;
      size_t e = k + 1;
      while (e < r && IsAsciiAlpha(t[e])) ++e;
      if (e - k - 1 >= 2) end = e;
    }
    if (l == at || end == 0) continue;
    out.push_back({PiiKind::kEmail, l, end});
  }
}

// ---- addresses ----

struct Cp {
  char32_t c;
  size_t begin, end;
};

std::vector<Cp> Decode(std::string_view t) {
  std::vector<Cp> cps;
  size_t i = 0;
  while (i < t.size()) {
    auto b = static_cast<unsigned char>(t[i]);
    size_t len = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    if (i + len > t.size()) len = 1;
    char32_t c = len == 1 ? b : (b & (0x7F >> len));
    for (size_t k = 1; k < len; ++k) c = (c << 6) | (static_cast<unsigned char>(t[i + k]) & 0x3F);
    cps.push_back({c, i, i + len});
    i += len;
  }
  return cps;
}

bool IsHan(char32_t c) { return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF); }
bool IsNumeralChar(char32_t c) {
  return (c >= '0' && c <= '9') || std::u32string_view(U"一二三四五六七八九十百零〇").find(c) != std::u32string_view::npos;
}
// Words that end an address when scanning leftwards ("我住在…", "寄到…", "地址是…").
bool IsStopHan(char32_t c) { return std::u32string_view(U"是在到住寄送往我的址给于从把请").find(c) != std::u32string_view::npos; }

// Length (in code points) of a number at i, allowing "3-201"; 0 if none.
size_t NumberAt(const std::vector<Cp>& s, size_t i) {
  size_t j = i;
  while (j < s.size() && IsNumeralChar(s[j].c)) {
    ++j;
    if (j + 1 < s.size() && s[j].c == '-' && IsNumeralChar(s[j + 1].c)) ++j;
  }
  return j - i;
}

bool MatchesAt(const std::vector<Cp>& s, size_t i, std::u32string_view word) {
  if (i + word.size() > s.size()) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    if (s[i + k].c != word[k]) return false;
  }
  return true;
}

// Length of a building unit word at i ("号楼", "号", "栋", ...); 0 if none.
size_t UnitAt(const std::vector<Cp>& s, size_t i) {
  for (std::u32string_view u : {U"号楼", U"号", U"栋", U"幢", U"单元", U"室", U"层", U"楼", U"座"}) {
    if (MatchesAt(s, i, u)) return u.size();
  }
  return 0;
}

void FindChineseAddresses(std::string_view t, std::vector<PiiMatch>& out) {
  auto s = Decode(t);
  size_t i = 0;
  size_t floor = 0;  // end of the previous address: the next one starts at or after it
  while (i < s.size()) {
    size_t anchor_end = 0;
    // Road + number + 号 ("建国路88号"), or number + 栋/幢/单元/室 ("3栋", "501室").
    size_t road = 0;
    for (std::u32string_view r : {U"大道", U"胡同", U"路", U"街", U"巷", U"弄"}) {
      if (MatchesAt(s, i, r)) {
        road = r.size();
        break;
      }
    }
    if (road > 0) {
      size_t n = NumberAt(s, i + road);
      if (n > 0 && MatchesAt(s, i + road + n, U"号")) anchor_end = i + road + n + 1;
    } else if (size_t n = NumberAt(s, i); n > 0 && (i == 0 || !IsNumeralChar(s[i - 1].c))) {
      size_t u = i + n;
      if (MatchesAt(s, u, U"栋") || MatchesAt(s, u, U"幢") || MatchesAt(s, u, U"单元") || MatchesAt(s, u, U"室")) {
        anchor_end = u + UnitAt(s, u);
      }
    }
    if (anchor_end == 0) {
      ++i;
      continue;
    }
    // Leftwards over the district/city/street name.
    size_t begin = i;
    while (begin > floor && i - begin < 24 && (IsHan(s[begin - 1].c) || IsNumeralChar(s[begin - 1].c)) &&
           !IsStopHan(s[begin - 1].c)) {
      --begin;
    }
    // A number longer than the window stays whole: cut, its head could look like a phone number.
    while (begin < i && begin > floor && IsNumeralChar(s[begin - 1].c) && IsNumeralChar(s[begin].c)) ++begin;
    // Rightwards over further parts: "阳光小区3栋2单元501室".
    size_t end = anchor_end;
    for (;;) {
      size_t j = end;
      size_t han = 0;
      while (j < s.size() && han < 8 && IsHan(s[j].c) && !IsNumeralChar(s[j].c) && !IsStopHan(s[j].c) && !UnitAt(s, j)) {
        ++j;
        ++han;
      }
      size_t n = NumberAt(s, j);
      if (n == 0) break;
      size_t u = UnitAt(s, j + n);
      if (u == 0) break;
      end = j + n + u;
    }
    out.push_back({PiiKind::kAddress, s[begin].begin, s[end - 1].end});
    floor = end;
    while (i < s.size() && s[i].begin < s[end - 1].end) ++i;
  }
}

void FindEnglishAddresses(std::string_view t, std::vector<PiiMatch>& out) {
  static const std::regex kStreet(
      R"(\b\d{1,6}[A-Za-z]?(?: [A-Z][A-Za-z]*\.?){1,4} (?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Terrace|Highway|Hwy|Parkway|Square|Sq)\b\.?(?:,? (?:Apt|Apartment|Suite|Unit|Ste|#)\.? ?[A-Za-z0-9-]+)?)");
  std::string text(t);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kStreet); it != std::sregex_iterator(); ++it) {
    size_t b = static_cast<size_t>(it->position());
    out.push_back({PiiKind::kAddress, b, b + static_cast<size_t>(it->length())});
  }
}

std::string NormalizedKey(PiiKind kind, std::string_view v) {
  std::string key(PiiKindName(kind));
  key += ':';
  for (char c : v) {
    if (kind == PiiKind::kEmail) {
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (kind == PiiKind::kAddress || kind == PiiKind::kLiteral) {
      key += c;
    } else if (IsDigit(c) || c == 'X' || c == 'x') {
      key += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  if (kind == PiiKind::kPhone) {  // +86 138..., 0086138..., 138... are one number
    std::string_view digits = std::string_view(key).substr(6);
    if (digits.size() > 11 && (digits.starts_with("86") || digits.starts_with("0086")) &&
        digits[digits.size() - 11] == '1') {
      key = "PHONE:" + std::string(digits.substr(digits.size() - 11));
    }
  }
  return key;
}

// Non-overlapping matches in text order, from one look at `text`.
std::vector<PiiMatch> FindOnce(std::string_view text, const PiiMasker::Options& options) {
  std::vector<PiiMatch> all;
  FindPlaceholderLookalikes(text, all);  // always: masking must round-trip
  if (options.emails) FindEmails(text, all);
  FindNumbers(text, options, all);
  if (options.addresses) {
    FindChineseAddresses(text, all);
    FindEnglishAddresses(text, all);
  }
  // Earlier first; at the same start the longer match wins (an e-mail over the phone inside it).
  std::sort(all.begin(), all.end(), [](const PiiMatch& a, const PiiMatch& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  std::vector<PiiMatch> kept;
  for (PiiMatch m : all) {
    if (!kept.empty() && m.begin < kept.back().end) {
      // Addresses and e-mails are found by scanning left from an anchor ("路88号", "@"): one that
      // runs into the match before it ("电话+8613812345678北京市…路88号", "a@b.com+c@d.com")
      // keeps the rest, so that it is masked too.
      const bool scanned_left = m.kind == PiiKind::kAddress || m.kind == PiiKind::kEmail;
      if (!scanned_left || m.end <= kept.back().end) continue;
      m.begin = kept.back().end;
    }
    kept.push_back(m);
  }
  return kept;
}

// Orders `matches` and drops any that overlaps an earlier one.
void SortDisjoint(std::vector<PiiMatch>& matches) {
  std::sort(matches.begin(), matches.end(), [](const PiiMatch& a, const PiiMatch& b) { return a.begin < b.begin; });
  std::vector<PiiMatch> kept;
  for (const PiiMatch& m : matches)
    if (kept.empty() || m.begin >= kept.back().end) kept.push_back(m);
  matches = std::move(kept);
}

}  // namespace

std::string_view PiiKindName(PiiKind kind) {
  switch (kind) {
    case PiiKind::kPhone: return "PHONE";
    case PiiKind::kEmail: return "EMAIL";
    case PiiKind::kIdCard: return "ID_CARD";
    case PiiKind::kBankCard: return "BANK_CARD";
    case PiiKind::kAddress: return "ADDRESS";
    case PiiKind::kLiteral: return "TEXT";
  }
  return "PII";
}

std::string PiiVault::PlaceholderFor(PiiKind kind, std::string_view original) {
  std::string key = NormalizedKey(kind, original);
  if (auto it = by_key_.find(key); it != by_key_.end()) return it->second;
  std::string placeholder = "[" + std::string(PiiKindName(kind)) + "_" + std::to_string(++counters_[kind]) + "]";
  by_key_.emplace(std::move(key), placeholder);
  originals_.emplace(placeholder, std::string(original));
  return placeholder;
}

std::optional<std::string> PiiVault::Original(std::string_view placeholder) const {
  auto it = originals_.find(std::string(placeholder));
  if (it == originals_.end()) return std::nullopt;
  return it->second;
}

bool PiiMasker::LuhnValid(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool dbl = false;
  for (size_t i = digits.size(); i-- > 0;) {
    if (!IsDigit(digits[i])) return false;
    int d = digits[i] - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

bool PiiMasker::ChineseIdValid(std::string_view id) {
  if (id.size() != 18) return false;
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    if (!IsDigit(id[i])) return false;
    sum += (id[i] - '0') * kWeights[i];
  }
  char check = id[17] == 'x' ? 'X' : id[17];
  if (check != kCheck[sum % 11]) return false;
  // Birth date YYYYMMDD at 6..13 must be plausible.
  int year = std::stoi(std::string(id.substr(6, 4)));
  int month = std::stoi(std::string(id.substr(10, 2)));
  int day = std::stoi(std::string(id.substr(12, 2)));
  return year >= 1900 && year <= 2100 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

std::vector<PiiMatch> PiiMasker::Find(std::string_view text) const {
  std::vector<PiiMatch> kept = FindOnce(text, options_);
  // Masking changes what surrounds the text between matches: in "li@example.com1B Baker St" the
  // street is glued to the domain until the address becomes "[EMAIL_1]". Look again at the text
  // with every match replaced by a placeholder, until nothing new turns up, so that masked text
  // holds nothing Find would report.
  for (int round = 0; round < 4; ++round) {
    std::string view;
    std::vector<std::pair<size_t, size_t>> gaps;  // (offset in view, offset in text) of each gap
    size_t pos = 0;
    for (const PiiMatch& m : kept) {
      gaps.emplace_back(view.size(), pos);
      view.append(text.substr(pos, m.begin - pos));
      view += "[X_1]";
      pos = m.end;
    }
    gaps.emplace_back(view.size(), pos);
    view.append(text.substr(pos));
    size_t added = 0;
    for (const PiiMatch& m : FindOnce(view, options_)) {
      if (m.kind == PiiKind::kLiteral) continue;  // the placeholders, or lookalikes found before
      auto gap = std::upper_bound(gaps.begin(), gaps.end(), std::make_pair(m.begin, SIZE_MAX)) - 1;
      const size_t gap_end = gap + 1 == gaps.end() ? view.size() : (gap + 1)->first - 5;
      if (m.end > gap_end) continue;  // reaches into a placeholder
      kept.push_back({m.kind, m.begin - gap->first + gap->second, m.end - gap->first + gap->second});
      ++added;
    }
    if (added == 0) break;
    SortDisjoint(kept);
  }
  return kept;
}

std::string PiiMasker::Mask(std::string_view text, PiiVault& vault) const {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (const auto& m : Find(text)) {
    out.append(text.substr(pos, m.begin - pos));
    out += vault.PlaceholderFor(m.kind, text.substr(m.begin, m.end - m.begin));
    pos = m.end;
  }
  out.append(text.substr(pos));
  return out;
}

std::string PiiMasker::Unmask(std::string_view text, const PiiVault& vault) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find('[', pos);
    if (open == std::string_view::npos) break;
    size_t close = text.find(']', open);
    if (close == std::string_view::npos || close - open > 32) {
      out.append(text.substr(pos, open + 1 - pos));
      pos = open + 1;
      continue;
    }
    auto original = vault.Original(text.substr(open, close + 1 - open));
    out.append(text.substr(pos, open - pos));
    if (original) {
      out += *original;
      pos = close + 1;
    } else {
      out += '[';
      pos = open + 1;
    }
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace lingxi::llm
