#include "flows/playbook.h"

#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <set>

#include "flows/flow_text.h"
#include "flows/internal/pattern.h"
#include "flows/tool_registry.h"

namespace lingxi::flows {

namespace json = boost::json;

const std::string& LocalizedText::Get(std::string_view language) const {
  if (language.substr(0, 2) == "zh") return zh.empty() ? en : zh;
  return en.empty() ? zh : en;
}

const SlotDef* Playbook::FindSlot(std::string_view name) const {
  for (const SlotDef& s : slots)
    if (s.name == name) return &s;
  return nullptr;
}

namespace {

// Parsing context: the playbook id for messages, names known for references.
struct Ctx {
  std::string id;
  std::set<std::string> slot_names;
  std::set<std::string> result_names;
  std::map<std::string, int> step_index;
  const ToolRegistry* tools = nullptr;

  Status Bad(std::string_view where, std::string_view why) const {
    return InvalidArgument("playbook " + (id.empty() ? std::string("?") : id) + ": " + std::string(where) + ": " +
                           std::string(why));
  }
};

bool ValidId(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

Status CheckRef(const Ctx& ctx, std::string_view where, const std::string& ref) {
  size_t dot = ref.find('.');
  std::string head = ref.substr(0, dot);
  if (dot == std::string::npos) {
    if (!ctx.slot_names.count(head)) return ctx.Bad(where, "{{" + ref + "}} is not a slot");
  } else if (!ctx.result_names.count(head)) {
    return ctx.Bad(where, "{{" + ref + "}}: '" + head + "' is not a tool result of this playbook");
  }
  return Status::Ok();
}

Status CheckTemplate(const Ctx& ctx, std::string_view where, std::string_view text) {
  auto refs = TemplateRefs(text);
  if (!refs.ok()) return ctx.Bad(where, refs.status().message());
  for (const std::string& r : *refs) LINGXI_RETURN_IF_ERROR(CheckRef(ctx, where, r));
  return Status::Ok();
}

Result<LocalizedText> ParseText(const Ctx& ctx, std::string_view where, const json::value* v, bool required) {
  LocalizedText t;
  if (!v) {
    if (required) return ctx.Bad(where, "required {\"zh\",\"en\"} text");
    return t;
  }
  if (const json::string* s = v->if_string()) {
    t.en = t.zh = std::string(*s);
  } else if (const json::object* o = v->if_object()) {
    for (const auto& kv : *o) {
      if (!kv.value().is_string() || (kv.key() != "zh" && kv.key() != "en"))
        return ctx.Bad(where, "text must be {\"zh\": string, \"en\": string}");
      (kv.key() == "zh" ? t.zh : t.en) = std::string(kv.value().get_string());
    }
  } else {
    return ctx.Bad(where, "text must be a string or {\"zh\",\"en\"}");
  }
  if (required && t.empty()) return ctx.Bad(where, "text must not be empty");
  LINGXI_RETURN_IF_ERROR(CheckTemplate(ctx, where, t.zh));
  LINGXI_RETURN_IF_ERROR(CheckTemplate(ctx, where, t.en));
  return t;
}

Result<std::string> Str(const Ctx& ctx, const json::object& o, std::string_view key, std::string_view where, bool required) {
  const json::value* v = o.if_contains(key);
  if (!v) {
    if (required) return ctx.Bad(where, "'" + std::string(key) + "' is required");
    return std::string();
  }
  if (!v->is_string()) return ctx.Bad(where, "'" + std::string(key) + "' must be a string");
  return std::string(v->get_string());
}

Result<int> Target(const Ctx& ctx, std::string_view where, const std::string& id) {
  auto it = ctx.step_index.find(id);
  if (it == ctx.step_index.end()) return ctx.Bad(where, "no step with id '" + id + "'");
  return it->second;
}

Result<SlotDef> ParseSlot(const Ctx& ctx, const json::value& v) {
  const json::object* o = v.if_object();
  if (!o) return ctx.Bad("slots", "each slot must be an object");
  SlotDef s;
  LINGXI_ASSIGN_OR_RETURN(s.name, Str(ctx, *o, "name", "slots", true));
  if (!ValidId(s.name)) return ctx.Bad("slots", "bad slot name '" + s.name + "'");
  const std::string where = "slot " + s.name;
  LINGXI_ASSIGN_OR_RETURN(std::string type, Str(ctx, *o, "type", where, false));
  if (type.empty() || type == "string") s.type = SlotType::kString;
  else if (type == "integer") s.type = SlotType::kInteger;
  else if (type == "boolean") s.type = SlotType::kBoolean;
  else return ctx.Bad(where, "type must be string, integer or boolean");
  Ctx no_refs{ctx.id};  // prompts cannot reference anything yet
  LINGXI_ASSIGN_OR_RETURN(s.prompt, ParseText(no_refs, where + ".prompt", o->if_contains("prompt"), true));
  LINGXI_ASSIGN_OR_RETURN(s.retry_prompt, ParseText(no_refs, where + ".retry_prompt", o->if_contains("retry_prompt"), false));
  LINGXI_ASSIGN_OR_RETURN(std::string pattern, Str(ctx, *o, "pattern", where, false));
  bool icase = false;
  if (const json::value* ic = o->if_contains("ignore_case")) {
    if (!ic->is_bool()) return ctx.Bad(where, "ignore_case must be a boolean");
    icase = ic->get_bool();
  }
  if (!pattern.empty()) {
    if (s.type == SlotType::kBoolean) return ctx.Bad(where, "boolean slots take no pattern");
    auto compiled = internal::CompilePattern(pattern, icase);
    if (!compiled.ok()) return ctx.Bad(where, compiled.status().message());
    s.pattern = std::move(*compiled);
  }
  LINGXI_ASSIGN_OR_RETURN(std::string transform, Str(ctx, *o, "transform", where, false));
  if (!transform.empty() && transform != "upper") return ctx.Bad(where, "transform must be \"upper\"");
  s.uppercase = transform == "upper";
  if (const json::value* m = o->if_contains("max_asks")) {
    if (!m->is_int64() || m->get_int64() < 1 || m->get_int64() > 5) return ctx.Bad(where, "max_asks must be 1-5");
    s.max_asks = static_cast<int>(m->get_int64());
  }
  return s;
}

Result<Condition> ParseCondition(const Ctx& ctx, std::string_view where, const json::value& v, int depth) {
  using Op = Condition::Op;
  const json::object* o = v.if_object();
  if (!o || depth > 5) return ctx.Bad(where, "a condition must be an object (nested at most 5 deep)");
  Condition c;
  for (const char* group : {"all", "any"}) {
    if (const json::value* g = o->if_contains(group)) {
      if (!g->is_array() || g->get_array().empty()) return ctx.Bad(where, std::string(group) + " must be a non-empty array");
      c.op = std::string_view(group) == "all" ? Op::kAll : Op::kAny;
      for (const json::value& ch : g->get_array()) {
        LINGXI_ASSIGN_OR_RETURN(Condition cc, ParseCondition(ctx, where, ch, depth + 1));
        c.children.push_back(std::move(cc));
      }
      return c;
    }
  }
  LINGXI_ASSIGN_OR_RETURN(c.field, Str(ctx, *o, "field", where, true));
  LINGXI_RETURN_IF_ERROR(CheckRef(ctx, where, c.field));
  static const std::pair<const char*, Op> kOps[] = {
      {"equals", Op::kEquals}, {"not_equals", Op::kNotEquals}, {"in", Op::kIn}, {"contains", Op::kContains},
      {"exists", Op::kExists}, {"not_exists", Op::kNotExists}, {"equals_field", Op::kEqualsField},
      {"not_equals_field", Op::kNotEqualsField}};
  int found = 0;
  for (const auto& [name, op] : kOps) {
    const json::value* operand = o->if_contains(name);
    if (!operand) continue;
    ++found;
    c.op = op;
    if (op == Op::kExists || op == Op::kNotExists) {
      if (!operand->is_bool() || !operand->get_bool()) return ctx.Bad(where, std::string(name) + " must be true");
    } else if (op == Op::kEqualsField || op == Op::kNotEqualsField) {
      if (!operand->is_string()) return ctx.Bad(where, std::string(name) + " must name a field");
      c.other_field = std::string(operand->get_string());
      LINGXI_RETURN_IF_ERROR(CheckRef(ctx, where, c.other_field));
    } else if (op == Op::kIn && !operand->is_array()) {
      return ctx.Bad(where, "in must be an array");
    } else {
      c.operand = *operand;
    }
    if (op == Op::kIn) c.operand = *operand;
  }
  if (found != 1) return ctx.Bad(where, "a condition needs exactly one operator (equals, in, exists, ...)");
  return c;
}

Status ParseStep(const Ctx& ctx, const json::object& o, Step* s) {
  const std::string where = "step " + s->id;
  LINGXI_ASSIGN_OR_RETURN(std::string next, Str(ctx, o, "next", where, false));
  if (!next.empty()) {
    LINGXI_ASSIGN_OR_RETURN(s->next, Target(ctx, where, next));
  }
  switch (s->type) {
    case StepType::kAsk: {
      LINGXI_ASSIGN_OR_RETURN(s->slot, Str(ctx, o, "slot", where, true));
      if (!ctx.slot_names.count(s->slot)) return ctx.Bad(where, "unknown slot '" + s->slot + "'");
      break;
    }
    case StepType::kTool: {
      LINGXI_ASSIGN_OR_RETURN(s->tool, Str(ctx, o, "tool", where, true));
      LINGXI_ASSIGN_OR_RETURN(s->result, Str(ctx, o, "result", where, true));
      const ToolDefinition* def = ctx.tools ? ctx.tools->Find(s->tool) : nullptr;
      if (ctx.tools && !def) return ctx.Bad(where, "unknown tool '" + s->tool + "'");
      if (const json::value* a = o.if_contains("args")) {
        if (!a->is_object()) return ctx.Bad(where, "args must be an object");
        s->args = a->get_object();
        for (const auto& kv : s->args) {
          if (def && !def->FindParameter(kv.key())) return ctx.Bad(where, "tool " + s->tool + " has no parameter '" + std::string(kv.key()) + "'");
          if (kv.value().is_string()) LINGXI_RETURN_IF_ERROR(CheckTemplate(ctx, where, kv.value().get_string()));
        }
      }
      LINGXI_ASSIGN_OR_RETURN(std::string on_error, Str(ctx, o, "on_error", where, false));
      if (!on_error.empty()) {
        LINGXI_ASSIGN_OR_RETURN(s->on_error, Target(ctx, where, on_error));
      }
      if (const json::value* os = o.if_contains("on_status")) {
        if (!os->is_object()) return ctx.Bad(where, "on_status must map HTTP statuses to step ids");
        for (const auto& kv : os->get_object()) {
          int code = std::atoi(std::string(kv.key()).c_str());
          if (code < 100 || code > 599 || !kv.value().is_string()) return ctx.Bad(where, "on_status must map HTTP statuses to step ids");
          LINGXI_ASSIGN_OR_RETURN(s->on_status[code], Target(ctx, where, std::string(kv.value().get_string())));
        }
      }
      break;
    }
    case StepType::kBranch: {
      const json::value* cases = o.if_contains("cases");
      if (!cases || !cases->is_array() || cases->get_array().empty()) return ctx.Bad(where, "cases must be a non-empty array");
      for (const json::value& cv : cases->get_array()) {
        const json::object* co = cv.if_object();
        if (!co || !co->contains("when")) return ctx.Bad(where, "each case needs \"when\" and \"goto\"");
        BranchCase bc;
        LINGXI_ASSIGN_OR_RETURN(bc.when, ParseCondition(ctx, where, co->at("when"), 0));
        LINGXI_ASSIGN_OR_RETURN(std::string go, Str(ctx, *co, "goto", where, true));
        LINGXI_ASSIGN_OR_RETURN(bc.target, Target(ctx, where, go));
        s->cases.push_back(std::move(bc));
      }
      LINGXI_ASSIGN_OR_RETURN(std::string def, Str(ctx, o, "default", where, true));
      LINGXI_ASSIGN_OR_RETURN(s->default_target, Target(ctx, where, def));
      break;
    }
    case StepType::kSay: {
      LINGXI_ASSIGN_OR_RETURN(s->text, ParseText(ctx, where + ".text", o.if_contains("text"), true));
      if (const json::value* cs = o.if_contains("clear_slots")) {
        if (!cs->is_array()) return ctx.Bad(where, "clear_slots must be an array of slot names");
        for (const json::value& n : cs->get_array()) {
          if (!n.is_string() || !ctx.slot_names.count(std::string(n.get_string()))) return ctx.Bad(where, "clear_slots: unknown slot");
          s->clear_slots.emplace_back(n.get_string());
        }
      }
      break;
    }
    case StepType::kHandoff: {
      LINGXI_ASSIGN_OR_RETURN(s->reason, Str(ctx, o, "reason", where, true));
      LINGXI_ASSIGN_OR_RETURN(s->text, ParseText(ctx, where + ".text", o.if_contains("text"), false));
      LINGXI_ASSIGN_OR_RETURN(s->summary, ParseText(ctx, where + ".summary", o.if_contains("summary"), false));
      break;
    }
    case StepType::kEnd: {
      LINGXI_ASSIGN_OR_RETURN(s->text, ParseText(ctx, where + ".text", o.if_contains("text"), false));
      break;
    }
  }
  return Status::Ok();
}

Status ParseStringList(const Ctx& ctx, const json::value* v, std::string_view where, std::vector<std::string>* out) {
  if (!v) return Status::Ok();
  if (!v->is_array()) return ctx.Bad(where, "must be an array of strings");
  for (const json::value& e : v->get_array()) {
    if (!e.is_string()) return ctx.Bad(where, "must be an array of strings");
    out->emplace_back(e.get_string());
  }
  return Status::Ok();
}

}  // namespace

Result<Playbook> ParsePlaybook(const json::value& v, const ToolRegistry* tools) {
  const json::object* o = v.if_object();
  if (!o) return InvalidArgument("playbook must be a JSON object");
  Playbook pb;
  Ctx ctx;
  ctx.tools = tools;
  LINGXI_ASSIGN_OR_RETURN(pb.id, Str(ctx, *o, "id", "id", true));
  if (!ValidId(pb.id)) return ctx.Bad("id", "must be [A-Za-z0-9_-]{1,64}");
  ctx.id = pb.id;
  LINGXI_ASSIGN_OR_RETURN(pb.title, ParseText(ctx, "title", o->if_contains("title"), true));
  if (const json::value* t = o->if_contains("triggers")) {
    if (!t->is_object()) return ctx.Bad("triggers", "must be an object");
    LINGXI_RETURN_IF_ERROR(ParseStringList(ctx, t->get_object().if_contains("intents"), "triggers.intents", &pb.trigger_intents));
    if (const json::value* ex = t->get_object().if_contains("examples")) {
      if (!ex->is_object()) return ctx.Bad("triggers.examples", "must be {\"zh\": [...], \"en\": [...]}");
      LINGXI_RETURN_IF_ERROR(ParseStringList(ctx, ex->get_object().if_contains("zh"), "triggers.examples.zh", &pb.examples_zh));
      LINGXI_RETURN_IF_ERROR(ParseStringList(ctx, ex->get_object().if_contains("en"), "triggers.examples.en", &pb.examples_en));
    }
  }
  if (const json::value* sl = o->if_contains("slots")) {
    if (!sl->is_array()) return ctx.Bad("slots", "must be an array");
    for (const json::value& sv : sl->get_array()) {
      LINGXI_ASSIGN_OR_RETURN(SlotDef s, ParseSlot(ctx, sv));
      if (!ctx.slot_names.insert(s.name).second) return ctx.Bad("slots", "slot '" + s.name + "' defined twice");
      pb.slots.push_back(std::move(s));
    }
  }
  const json::value* steps = o->if_contains("steps");
  if (!steps || !steps->is_array() || steps->get_array().empty()) return ctx.Bad("steps", "must be a non-empty array");
  if (steps->get_array().size() > 200) return ctx.Bad("steps", "at most 200 steps");
  // First pass: ids, types and result names, so later references can be checked.
  for (const json::value& sv : steps->get_array()) {
    const json::object* so = sv.if_object();
    if (!so) return ctx.Bad("steps", "each step must be an object");
    Step s;
    LINGXI_ASSIGN_OR_RETURN(s.id, Str(ctx, *so, "id", "steps", false));
    if (s.id.empty()) s.id = "step" + std::to_string(pb.steps.size() + 1);
    if (!ValidId(s.id)) return ctx.Bad("steps", "bad step id '" + s.id + "'");
    if (!ctx.step_index.emplace(s.id, static_cast<int>(pb.steps.size())).second)
      return ctx.Bad("steps", "step id '" + s.id + "' used twice");
    LINGXI_ASSIGN_OR_RETURN(std::string type, Str(ctx, *so, "type", "step " + s.id, true));
    static const std::pair<const char*, StepType> kTypes[] = {{"ask", StepType::kAsk}, {"tool", StepType::kTool},
                                                              {"branch", StepType::kBranch}, {"say", StepType::kSay},
                                                              {"handoff", StepType::kHandoff}, {"end", StepType::kEnd}};
    auto it = std::find_if(std::begin(kTypes), std::end(kTypes), [&](const auto& p) { return type == p.first; });
    if (it == std::end(kTypes)) return ctx.Bad("step " + s.id, "type must be ask, tool, branch, say, handoff or end");
    s.type = it->second;
    if (s.type == StepType::kTool) {
      if (const json::value* r = so->if_contains("result"); r && r->is_string()) {
        std::string name(r->get_string());
        if (!ValidId(name) || ctx.slot_names.count(name)) return ctx.Bad("step " + s.id, "result name must be an id and not a slot name");
        ctx.result_names.insert(name);
      }
    }
    s.next = static_cast<int>(pb.steps.size()) + 1;
    pb.steps.push_back(std::move(s));
  }
  for (size_t i = 0; i < pb.steps.size(); ++i) {
    LINGXI_RETURN_IF_ERROR(ParseStep(ctx, steps->get_array()[i].get_object(), &pb.steps[i]));
    if (pb.steps[i].next >= static_cast<int>(pb.steps.size())) pb.steps[i].next = -1;
  }
  return pb;
}

const Playbook* PlaybookLibrary::Find(std::string_view id) const {
  for (const Playbook& p : playbooks_)
    if (p.id == id) return &p;
  return nullptr;
}

Result<std::shared_ptr<const PlaybookLibrary>> PlaybookLibrary::FromPlaybooks(std::vector<Playbook> playbooks) {
  auto lib = std::make_shared<PlaybookLibrary>();
  for (Playbook& p : playbooks) {
    if (lib->Find(p.id)) return InvalidArgument("playbook " + p.id + ": defined twice");
    lib->playbooks_.push_back(std::move(p));
  }
  return std::shared_ptr<const PlaybookLibrary>(std::move(lib));
}

Result<std::shared_ptr<const PlaybookLibrary>> PlaybookLibrary::LoadDirectory(const std::string& dir, const ToolRegistry* tools) {
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path().string());
  if (ec) return NotFound("cannot read playbook directory " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<Playbook> playbooks;
  for (const std::string& f : files) {
    LINGXI_ASSIGN_OR_RETURN(json::value doc, ReadJsonFile(f));
    auto pb = ParsePlaybook(doc, tools);
    if (!pb.ok()) return Status(pb.status().code(), f + ": " + pb.status().message());
    playbooks.push_back(std::move(*pb));
  }
  return FromPlaybooks(std::move(playbooks));
}

}  // namespace lingxi::flows
