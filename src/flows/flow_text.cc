#include "flows/flow_text.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

#include "core/utf8.h"
#include "flows/json_path.h"

namespace lingxi::flows {

namespace json = boost::json;

namespace {

constexpr size_t kMaxExtractBytes = 2000;

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool Truthy(const json::value* v) {
  if (!v || v->is_null()) return false;
  if (const json::string* s = v->if_string()) return !s->empty();
  return true;
}

bool LooseEquals(const json::value& a, const json::value& b) {
  if (a == b) return true;
  bool scalars = !a.is_structured() && !b.is_structured() && !a.is_null() && !b.is_null();
  return scalars && JsonToText(a) == JsonToText(b);
}

// Whole-word match of an ASCII word in lower-cased text.
bool HasWord(const std::string& lower, std::string_view word) {
  size_t pos = 0;
  while ((pos = lower.find(word, pos)) != std::string::npos) {
    bool left = pos == 0 || !std::isalpha(static_cast<unsigned char>(lower[pos - 1]));
    size_t end = pos + word.size();
    bool right = end >= lower.size() || !std::isalpha(static_cast<unsigned char>(lower[end]));
    if (left && right) return true;
    pos = end;
  }
  return false;
}

std::optional<bool> YesNo(std::string_view text) {
  std::string lower = LowerAscii(text);
  // Negatives first: "不是", "没有", "not yet" must not read as yes.
  static const char* kNoZh[] = {"不", "没", "否", "别", "未"};
  static const char* kNoEn[] = {"no", "nope", "not", "don't", "dont", "never", "nah", "haven't", "didn't", "n"};
  static const char* kYesZh[] = {"是", "对", "好", "要", "嗯", "确认", "可以", "行", "找到了", "收到了"};
  static const char* kYesEn[] = {"yes", "y", "yeah", "yep", "sure", "ok", "okay", "please", "confirm", "correct", "found"};
  for (const char* w : kNoZh)
    if (lower.find(w) != std::string::npos) return false;
  for (const char* w : kNoEn)
    if (HasWord(lower, w)) return false;
  for (const char* w : kYesZh)
    if (lower.find(w) != std::string::npos) return true;
  for (const char* w : kYesEn)
    if (HasWord(lower, w)) return true;
  return std::nullopt;
}

}  // namespace

std::string SafeText(std::string_view s, size_t max_code_points) {
  if (!IsValidUtf8(s)) return "";
  std::string clean;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '<') {
      clean += "\u2039";
    } else if (c == '>') {
      clean += "\u203a";
    } else if (u < 0x20 || u == 0x7f) {
      clean += ' ';
    } else {
      clean += c;
    }
  }
  return std::string(Utf8Prefix(clean, max_code_points));
}

const json::value* ResolveRef(std::string_view ref, const FlowData& data) {
  size_t dot = ref.find('.');
  std::string_view head = ref.substr(0, dot);
  if (dot == std::string_view::npos) return data.slots.if_contains(head);
  const json::value* r = data.results.if_contains(head);
  if (!r || !r->is_object()) return nullptr;
  std::string_view rest = ref.substr(dot + 1);
  const json::object& ro = r->get_object();
  if (rest == "_ok") return ro.if_contains("ok");
  if (rest == "_http_status") return ro.if_contains("http_status");
  if (rest == "_error") return ro.if_contains("error_code");
  const json::value* fields = ro.if_contains("fields");
  if (!fields || !fields->is_object()) return nullptr;
  return fields->get_object().if_contains(rest);
}

Result<std::vector<std::string>> TemplateRefs(std::string_view text) {
  std::vector<std::string> refs;
  size_t i = 0;
  while ((i = text.find("{{", i)) != std::string_view::npos) {
    size_t close = text.find("}}", i);
    if (close == std::string_view::npos) return InvalidArgument("unterminated {{ in \"" + std::string(text) + "\"");
    std::string ref(TrimWhitespace(text.substr(i + 2, close - i - 2)));
    if (ref.empty()) return InvalidArgument("empty {{}} in \"" + std::string(text) + "\"");
    refs.push_back(std::move(ref));
    i = close + 2;
  }
  return refs;
}

std::string RenderTemplate(std::string_view text, const FlowData& data) {
  std::string out;
  size_t i = 0;
  while (true) {
    size_t open = text.find("{{", i);
    size_t close = open == std::string_view::npos ? open : text.find("}}", open);
    if (close == std::string_view::npos) break;
    out.append(text.substr(i, open - i));
    std::string_view ref = TrimWhitespace(text.substr(open + 2, close - open - 2));
    if (const json::value* v = ResolveRef(ref, data)) out += SafeText(JsonToText(*v), 300);
    i = close + 2;
  }
  out.append(text.substr(i));
  return out;
}

json::value RenderArgument(const json::value& templ, const FlowData& data) {
  const json::string* s = templ.if_string();
  if (!s) return templ;
  std::string_view sv = *s;
  if (sv.size() > 4 && sv.substr(0, 2) == "{{" && sv.substr(sv.size() - 2) == "}}" &&
      sv.find("{{", 2) == std::string_view::npos) {
    const json::value* v = ResolveRef(TrimWhitespace(sv.substr(2, sv.size() - 4)), data);
    return v ? *v : json::value(nullptr);
  }
  std::string out;
  size_t i = 0;
  while (true) {
    size_t open = sv.find("{{", i);
    size_t close = open == std::string_view::npos ? open : sv.find("}}", open);
    if (close == std::string_view::npos) break;
    out.append(sv.substr(i, open - i));
    if (const json::value* v = ResolveRef(TrimWhitespace(sv.substr(open + 2, close - open - 2)), data)) out += JsonToText(*v);
    i = close + 2;
  }
  out.append(sv.substr(i));
  return json::value(out);
}

bool EvaluateCondition(const Condition& c, const FlowData& data) {
  using Op = Condition::Op;
  if (c.op == Op::kAll) {
    for (const Condition& ch : c.children)
      if (!EvaluateCondition(ch, data)) return false;
    return true;
  }
  if (c.op == Op::kAny) {
    for (const Condition& ch : c.children)
      if (EvaluateCondition(ch, data)) return true;
    return false;
  }
  const json::value* v = ResolveRef(c.field, data);
  switch (c.op) {
    case Op::kExists: return Truthy(v);
    case Op::kNotExists: return !Truthy(v);
    case Op::kEquals: return v && LooseEquals(*v, c.operand);
    case Op::kNotEquals: return !(v && LooseEquals(*v, c.operand));
    case Op::kIn:
      if (!v) return false;
      for (const json::value& e : c.operand.get_array())
        if (LooseEquals(*v, e)) return true;
      return false;
    case Op::kContains:
      if (!v) return false;
      if (const json::array* a = v->if_array()) {
        for (const json::value& e : *a)
          if (LooseEquals(e, c.operand)) return true;
        return false;
      }
      if (v->is_string() && c.operand.is_string())
        return LowerAscii(v->get_string()).find(LowerAscii(c.operand.get_string())) != std::string::npos;
      return false;
    case Op::kEqualsField:
    case Op::kNotEqualsField: {
      const json::value* w = ResolveRef(c.other_field, data);
      bool eq = v && w && LooseEquals(*v, *w);
      // Both must exist for a mismatch to mean anything.
      return c.op == Op::kEqualsField ? eq : (Truthy(v) && Truthy(w) && !eq);
    }
    default: return false;
  }
}

std::optional<json::value> ExtractSlot(const SlotDef& slot, std::string_view text, bool awaited) {
  if (!IsValidUtf8(text)) return std::nullopt;
  text = TrimWhitespace(text);
  if (text.empty()) return std::nullopt;
  if (text.size() > kMaxExtractBytes) text = Utf8Prefix(text, kMaxExtractBytes / 4);
  if (slot.type == SlotType::kBoolean) {
    if (!awaited) return std::nullopt;
    auto yn = YesNo(text);
    if (!yn) return std::nullopt;
    return json::value(*yn);
  }
  std::string found;
  if (slot.pattern) {
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_search(text.begin(), text.end(), m, *slot.pattern)) return std::nullopt;
    found = m.size() > 1 && m[1].matched ? m[1].str() : m[0].str();
  } else if (slot.type == SlotType::kInteger) {
    size_t b = text.find_first_of("0123456789");
    if (b == std::string_view::npos) return std::nullopt;
    size_t e = text.find_first_not_of("0123456789", b);
    found = std::string(text.substr(b, e == std::string_view::npos ? e : e - b));
  } else {
    if (!awaited) return std::nullopt;
    found = SafeText(text, slot.max_length);
  }
  if (slot.uppercase)
    for (char& c : found) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (slot.type == SlotType::kInteger) {
    if (found.empty() || found.size() > 18 || found.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return json::value(std::stoll(found));
  }
  if (found.empty()) return std::nullopt;
  return json::value(found);
}

}  // namespace lingxi::flows
