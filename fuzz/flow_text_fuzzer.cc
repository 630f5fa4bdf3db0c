// The data side of a running flow (flows/flow_text.h): message templates, slot values taken from
// what the customer types and tool results, all arbitrary.
// Invariants: SafeText gives valid UTF-8 of at most the requested code points with no '<', '>'
// or control characters (and nothing for invalid UTF-8); a template renders every {{ref}} it
// names to exactly SafeText of the value (at most 300 code points), so what a customer or an API
// sends cannot inject markup into a message; an argument that is exactly "{{ref}}" keeps the
// value's JSON type; a slot value taken from a message is non-empty valid UTF-8 that fits the
// slot (the order-number pattern, digits for integers, the length limit for free text).
#include <fuzzer/FuzzedDataProvider.h>

#include <boost/json.hpp>
#include <cstdint>
#include <memory>
#include <regex>
#include <string>

#include "core/json.h"
#include "core/utf8.h"
#include "flows/flow_text.h"
#include "flows/json_path.h"
#include "fuzz_check.h"

namespace {

namespace json = boost::json;
using lingxi::fuzz::Printable;
using namespace lingxi::flows;

void CheckSafe(const std::string& in, const std::string& out, size_t max_code_points) {
  LINGXI_FUZZ_CHECK(lingxi::IsValidUtf8(out) && lingxi::Utf8Length(out) <= max_code_points,
                    "SafeText of " + Printable(in) + " is " + Printable(out));
  for (unsigned char c : out) {
    LINGXI_FUZZ_CHECK(c != '<' && c != '>' && c >= 0x20 && c != 0x7f, "unsafe " + Printable(out));
  }
  if (!lingxi::IsValidUtf8(in)) LINGXI_FUZZ_CHECK(out.empty(), "invalid input kept: " + Printable(out));
}

const std::vector<SlotDef>& Slots() {
  static const std::vector<SlotDef> slots = [] {
    std::vector<SlotDef> s(4);
    s[0].name = "order_no";
    s[0].pattern = std::make_shared<const std::regex>(R"(\b([A-Za-z]{2}[0-9]{8,12})\b)", std::regex::ECMAScript);
    s[0].uppercase = true;
    s[1].name = "count";
    s[1].type = SlotType::kInteger;
    s[2].name = "found_it";
    s[2].type = SlotType::kBoolean;
    s[3].name = "details";
    s[3].max_length = 40;
    return s;
  }();
  return slots;
}

void CheckSlot(const SlotDef& slot, const std::optional<json::value>& v, const std::string& text) {
  if (!v) return;
  const std::string where = " for slot " + slot.name + " from " + Printable(text);
  switch (slot.type) {
    case SlotType::kBoolean:
      LINGXI_FUZZ_CHECK(v->is_bool(), "not a boolean" + where);
      return;
    case SlotType::kInteger:
      LINGXI_FUZZ_CHECK(v->is_int64() && v->get_int64() >= 0, "not a non-negative integer" + where);
      return;
    case SlotType::kString: {
      LINGXI_FUZZ_CHECK(v->is_string() && !v->get_string().empty(), "not a string" + where);
      const std::string s(v->get_string());
      LINGXI_FUZZ_CHECK(lingxi::IsValidUtf8(s), "invalid UTF-8 " + Printable(s) + where);
      if (slot.pattern) {
        static const std::regex kOrderNo("^[A-Z]{2}[0-9]{8,12}$");
        LINGXI_FUZZ_CHECK(std::regex_match(s, kOrderNo), "not an order number: " + Printable(s) + where);
      } else {
        CheckSafe(text, s, slot.max_length);
      }
      return;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  const size_t max_code_points = fdp.ConsumeIntegralInRange<size_t>(0, 400);
  const bool awaited = fdp.ConsumeBool();
  const std::string templ = fdp.ConsumeRandomLengthString(200);
  const std::string value = fdp.ConsumeRandomLengthString(600);
  const std::string text = fdp.ConsumeRemainingBytesAsString();

  CheckSafe(value, SafeText(value, max_code_points), max_code_points);

  // A slot "s" holding `value` (as a string, or as JSON when it parses) and a tool result "r".
  boost::system::error_code ec;
  json::value parsed = lingxi::ParseJson(value, ec);  // as every outside input is parsed
  json::value slot_value = ec ? json::value(json::string(value)) : parsed;
  if (slot_value.is_string() && !lingxi::IsValidUtf8(slot_value.get_string())) slot_value = nullptr;  // as stored
  json::object slots{{"s", slot_value}};
  json::object results{
      {"r", json::object{{"ok", true}, {"http_status", 200}, {"fields", json::object{{"f", slot_value}}}}}};
  const FlowData flow{slots, results};

  const std::string expected = SafeText(JsonToText(slot_value), 300);
  for (const char* t : {"{{s}}", "{{ r.f }}"}) {
    const std::string rendered = RenderTemplate(t, flow);
    LINGXI_FUZZ_CHECK(rendered == expected, std::string(t) + " rendered " + Printable(rendered));
    CheckSafe(JsonToText(slot_value), rendered, 300);
    LINGXI_FUZZ_CHECK(RenderArgument(json::value(t), flow) == slot_value, std::string(t) + " argument changed type");
  }
  // An arbitrary template: what it names must be well-formed, and the values it shows safe.
  auto refs = TemplateRefs(templ);
  if (refs.ok()) {
    const std::string rendered = RenderTemplate(templ, flow);
    if (lingxi::IsValidUtf8(templ)) LINGXI_FUZZ_CHECK(lingxi::IsValidUtf8(rendered), "rendered " + Printable(rendered));
  }
  (void)RenderArgument(json::value(templ), flow);

  for (const SlotDef& slot : Slots()) CheckSlot(slot, ExtractSlot(slot, text, awaited), text);
  return 0;
}
