// Playbooks: declarative, deterministic conversation flows (diagnose, then answer or hand off).
// Loaded from JSON files (data/demo/playbooks/*.json; the format is documented in
// docs/flows.md). Immutable after loading; thread-safe for concurrent reads.
//
// {
//   "id": "delivered_not_received",
//   "title": {"zh": "...", "en": "..."},
//   "triggers": {"intents": ["delivered_not_received"],
//                "examples": {"zh": ["显示已签收但我没收到"], "en": ["it says delivered but I never got it"]}},
//   "slots": [{"name": "order_no", "type": "string", "pattern": "\\b[A-Z]{2}\\d{8,}\\b",
//              "ignore_case": true, "transform": "upper",
//              "prompt": {"zh": "...", "en": "..."}, "retry_prompt": {...}, "max_asks": 3}],
//   "steps": [
//     {"id": "ask", "type": "ask", "slot": "order_no"},
//     {"id": "get", "type": "tool", "tool": "get_order", "args": {"order_no": "{{order_no}}"},
//      "result": "order", "on_status": {"404": "not_found"}, "on_error": "failed"},
//     {"id": "route", "type": "branch", "cases": [{"when": {"field": "order.status", "equals": "delivered"},
//      "goto": "say_delivered"}], "default": "end"},
//     {"id": "say_delivered", "type": "say", "text": {"zh": "...{{order.status}}", "en": "..."}, "next": "end"},
//     {"id": "failed", "type": "handoff", "reason": "tool_error", "text": {...}, "summary": {...}},
//     {"id": "end", "type": "end"}
//   ]
// }
// Steps run in order unless `next`/`goto`/`default` names another step id. Templates: `{{slot}}`,
// `{{result.field}}` (a response field of a tool result, keyed as in the tool's response_fields),
// `{{result._http_status}}`, `{{result._error}}`. Condition operators: equals, not_equals, in,
// contains, exists, not_exists, equals_field, not_equals_field; {"all": [...]} and {"any": [...]}.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "core/status.h"

namespace lingxi::flows {

class ToolRegistry;

// Text in the two first-class languages; Get falls back to the other one.
struct LocalizedText {
  std::string zh, en;
  bool empty() const { return zh.empty() && en.empty(); }
  const std::string& Get(std::string_view language) const;
};

enum class SlotType { kString, kInteger, kBoolean };

struct SlotDef {
  std::string name;
  SlotType type = SlotType::kString;
  LocalizedText prompt, retry_prompt;
  std::shared_ptr<const std::regex> pattern;  // string/integer; first capture group if any
  bool uppercase = false;                     // "transform": "upper"
  int max_asks = 3;                           // the first ask plus two re-asks, then hand off
  size_t max_length = 200;                    // free-text slots (no pattern), in code points
};

struct Condition {
  enum class Op { kEquals, kNotEquals, kIn, kContains, kExists, kNotExists, kEqualsField, kNotEqualsField, kAll, kAny };
  Op op = Op::kExists;
  std::string field;              // reference such as "shipment.delivery.type" or "order_no"
  boost::json::value operand;     // equals / not_equals / in (array) / contains
  std::string other_field;        // equals_field / not_equals_field
  std::vector<Condition> children;  // all / any
};

enum class StepType { kAsk, kTool, kBranch, kSay, kHandoff, kEnd };

struct BranchCase {
  Condition when;
  int target = -1;
};

struct Step {
  std::string id;
  StepType type = StepType::kEnd;
  int next = -1;  // resolved index of the following step (-1 = past the end = done)
  // ask
  std::string slot;
  // tool
  std::string tool;
  boost::json::object args;  // values: JSON, or strings with {{templates}}
  std::string result;
  std::map<int, int> on_status;  // HTTP status -> step index
  int on_error = -1;             // -1 = built-in apology + handoff
  // branch
  std::vector<BranchCase> cases;
  int default_target = -1;
  // say / handoff / end
  LocalizedText text;
  std::vector<std::string> clear_slots;
  // handoff
  std::string reason;
  LocalizedText summary;
};

struct Playbook {
  std::string id;
  LocalizedText title;
  std::vector<std::string> trigger_intents;
  std::vector<std::string> examples_zh, examples_en;
  std::vector<SlotDef> slots;
  std::vector<Step> steps;

  const SlotDef* FindSlot(std::string_view name) const;
};

// Parses and validates a playbook. If `tools` is given, tool steps must name its tools and
// their arguments must be the tool's parameters. InvalidArgument "playbook <id>: <where>: <why>".
Result<Playbook> ParsePlaybook(const boost::json::value& v, const ToolRegistry* tools);

class PlaybookLibrary {
 public:
  // Every *.json file in `dir` (sorted by name). All or nothing; duplicate ids are errors.
  static Result<std::shared_ptr<const PlaybookLibrary>> LoadDirectory(const std::string& dir, const ToolRegistry* tools);
  static Result<std::shared_ptr<const PlaybookLibrary>> FromPlaybooks(std::vector<Playbook> playbooks);

  const Playbook* Find(std::string_view id) const;
  const std::vector<Playbook>& playbooks() const { return playbooks_; }

 private:
  std::vector<Playbook> playbooks_;
};

}  // namespace lingxi::flows
