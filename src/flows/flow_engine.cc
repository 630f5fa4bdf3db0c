#include "flows/flow_engine.h"

#include <boost/json.hpp>

#include "flows/flow_text.h"

namespace lingxi::flows {

namespace json = boost::json;

namespace {

constexpr size_t kMaxTranscript = 200;

struct BuiltinText {
  const char* zh;
  const char* en;
  const char* Get(std::string_view lang) const { return lang.substr(0, 2) == "zh" ? zh : en; }
};
constexpr BuiltinText kToolFailed{"抱歉，我暂时无法查询到相关信息。我已为您转接人工客服，请稍候。",
                                  "Sorry, I can't look this up right now. I'm passing you to a colleague, please hold on."};
constexpr BuiltinText kGaveUpOnSlot{"抱歉，我没能识别您提供的信息。我已为您转接人工客服。",
                                    "Sorry, I couldn't recognise that. I'm passing you to a colleague."};
constexpr BuiltinText kLoop{"抱歉，处理出了点问题。我已为您转接人工客服。",
                            "Sorry, something went wrong on my side. I'm passing you to a colleague."};
constexpr BuiltinText kRetry{"抱歉，没有识别到。", "Sorry, I didn't catch that."};

void Note(FlowState* st, std::string entry) {
  if (st->transcript.size() < kMaxTranscript) st->transcript.push_back(std::move(entry));
}

// What an agent needs when no summary template was written: the flow, slots and results.
std::string DefaultSummary(const Playbook& pb, const FlowState& st, std::string_view reason) {
  std::string s = "[" + pb.id + "] " + std::string(reason);
  for (const auto& kv : st.slots) s += "; " + std::string(kv.key()) + "=" + SafeText(JsonToText(kv.value()), 100);
  for (const auto& kv : st.results) {
    const json::object& r = kv.value().as_object();
    s += "; " + std::string(kv.key()) + ": ";
    s += r.at("ok").as_bool() ? "ok" : "failed (" + SafeText(JsonToText(r.contains("error") ? r.at("error") : json::value()), 100) + ")";
  }
  return s;
}

void FillSlots(const Playbook& pb, FlowState* st, std::string_view text, std::string_view awaited) {
  for (const SlotDef& s : pb.slots) {
    bool is_awaited = s.name == awaited;
    if (!is_awaited && st->slots.contains(s.name)) continue;
    if (auto v = ExtractSlot(s, text, is_awaited)) {
      Note(st, "slot " + s.name + " <- " + SafeText(JsonToText(*v), 60));
      st->slots[s.name] = std::move(*v);
    }
  }
}

}  // namespace

std::string_view FlowStatusName(FlowStatus s) {
  switch (s) {
    case FlowStatus::kRunning: return "running";
    case FlowStatus::kWaitingForSlot: return "waiting_for_slot";
    case FlowStatus::kWaitingForTool: return "waiting_for_tool";
    case FlowStatus::kDone: return "done";
    case FlowStatus::kHandedOff: return "handed_off";
  }
  return "unknown";
}

json::object FlowState::ToJson() const {
  json::object asks_json;
  for (const auto& [k, v] : asks) asks_json[k] = v;
  json::array tr;
  for (const std::string& t : transcript) tr.push_back(json::value(t));
  return json::object{{"playbook", playbook_id}, {"language", language}, {"step", step},
                      {"status", FlowStatusName(status)}, {"slots", slots}, {"results", results},
                      {"asks", std::move(asks_json)}, {"pending_result", pending_result},
                      {"transcript", std::move(tr)}};
}

Result<FlowState> FlowState::FromJson(const json::value& v) {
  const json::object* o = v.if_object();
  if (!o) return InvalidArgument("flow state must be an object");
  FlowState st;
  auto str = [&](std::string_view key, std::string* out) -> Status {
    const json::value* f = o->if_contains(key);
    if (!f || !f->is_string()) return InvalidArgument("flow state: " + std::string(key) + " must be a string");
    *out = std::string(f->get_string());
    return Status::Ok();
  };
  LINGXI_RETURN_IF_ERROR(str("playbook", &st.playbook_id));
  LINGXI_RETURN_IF_ERROR(str("language", &st.language));
  LINGXI_RETURN_IF_ERROR(str("pending_result", &st.pending_result));
  std::string status;
  LINGXI_RETURN_IF_ERROR(str("status", &status));
  bool known = false;
  for (FlowStatus s : {FlowStatus::kRunning, FlowStatus::kWaitingForSlot, FlowStatus::kWaitingForTool, FlowStatus::kDone,
                       FlowStatus::kHandedOff})
    if (FlowStatusName(s) == status) st.status = s, known = true;
  if (!known) return InvalidArgument("flow state: unknown status '" + status + "'");
  const json::value* step = o->if_contains("step");
  if (!step || !step->is_int64() || step->get_int64() < 0 || step->get_int64() > 10000)
    return InvalidArgument("flow state: step must be a small non-negative integer");
  st.step = static_cast<int>(step->get_int64());
  for (const char* key : {"slots", "results", "asks"})
    if (const json::value* f = o->if_contains(key); !f || !f->is_object())
      return InvalidArgument("flow state: " + std::string(key) + " must be an object");
  st.slots = o->at("slots").get_object();
  st.results = o->at("results").get_object();
  for (const auto& kv : st.results) {
    auto r = ToolResultFromJson(kv.value());
    if (!r.ok()) return InvalidArgument("flow state: result " + std::string(kv.key()) + ": " + r.status().message());
  }
  for (const auto& kv : o->at("asks").get_object()) {
    if (!kv.value().is_int64()) return InvalidArgument("flow state: asks must be integers");
    st.asks[std::string(kv.key())] = static_cast<int>(kv.value().get_int64());
  }
  if (const json::value* tr = o->if_contains("transcript"); tr && tr->is_array())
    for (const json::value& t : tr->get_array())
      if (t.is_string()) st.transcript.emplace_back(t.get_string());
  return st;
}

FlowEngine::FlowEngine(std::shared_ptr<const PlaybookLibrary> playbooks) : playbooks_(std::move(playbooks)) {}

Result<const Playbook*> FlowEngine::Resolve(const FlowState& state) const {
  const Playbook* pb = playbooks_->Find(state.playbook_id);
  if (!pb) return NotFound("no playbook '" + state.playbook_id + "'");
  if (state.step < 0 || state.step > static_cast<int>(pb->steps.size()))
    return InvalidArgument("flow state step is outside playbook " + pb->id);
  return pb;
}

Result<StepOutcome> FlowEngine::Start(std::string_view playbook_id, std::string_view language,
                                      std::string_view customer_text) const {
  const Playbook* pb = playbooks_->Find(playbook_id);
  if (!pb) return NotFound("no playbook '" + std::string(playbook_id) + "'");
  FlowState st;
  st.playbook_id = pb->id;
  st.language = language.substr(0, 2) == "zh" ? "zh" : "en";
  Note(&st, "start " + pb->id);
  FillSlots(*pb, &st, customer_text, "");
  return Run(*pb, std::move(st), {});
}

Result<StepOutcome> FlowEngine::Continue(FlowState state, std::string_view customer_text) const {
  if (state.status != FlowStatus::kWaitingForSlot)
    return FailedPrecondition("the flow is " + std::string(FlowStatusName(state.status)) + ", not waiting for the customer");
  LINGXI_ASSIGN_OR_RETURN(const Playbook* pb, Resolve(state));
  if (state.step >= static_cast<int>(pb->steps.size()) || pb->steps[state.step].type != StepType::kAsk)
    return InvalidArgument("flow state does not point at an ask step");
  FillSlots(*pb, &state, customer_text, pb->steps[state.step].slot);
  state.status = FlowStatus::kRunning;
  return Run(*pb, std::move(state), {});
}

bool FlowEngine::AnswersWaitingSlot(const FlowState& state, std::string_view customer_text) const {
  if (state.status != FlowStatus::kWaitingForSlot) return false;
  auto pb = Resolve(state);
  if (!pb.ok() || state.step < 0 || state.step >= static_cast<int>((*pb)->steps.size())) return false;
  const Step& step = (*pb)->steps[state.step];
  if (step.type != StepType::kAsk) return false;
  for (const SlotDef& s : (*pb)->slots)
    if (s.name == step.slot) return ExtractSlot(s, customer_text, /*awaited=*/true).has_value();
  return false;
}

Result<StepOutcome> FlowEngine::OnToolResult(FlowState state, const ToolResult& result) const {
  if (state.status != FlowStatus::kWaitingForTool)
    return FailedPrecondition("the flow is " + std::string(FlowStatusName(state.status)) + ", not waiting for a tool");
  LINGXI_ASSIGN_OR_RETURN(const Playbook* pb, Resolve(state));
  if (state.step >= static_cast<int>(pb->steps.size()) || pb->steps[state.step].type != StepType::kTool)
    return InvalidArgument("flow state does not point at a tool step");
  const Step& step = pb->steps[state.step];
  state.results[step.result] = ToolResultToJson(result);
  state.pending_result.clear();
  state.status = FlowStatus::kRunning;
  Note(&state, "tool " + step.tool + " -> " + (result.ok ? "ok" : "failed " + result.error_code) + " " +
                   std::to_string(result.http_status));
  std::vector<std::string> messages;
  if (result.ok) {
    state.step = step.next;
  } else if (auto it = step.on_status.find(result.http_status); it != step.on_status.end()) {
    state.step = it->second;
  } else if (step.on_error >= 0) {
    state.step = step.on_error;
  } else {
    messages.emplace_back(kToolFailed.Get(state.language));
    state.status = FlowStatus::kHandedOff;
    StepOutcome out;
    out.handoff_reason = "tool_error";
    out.handoff_summary = DefaultSummary(*pb, state, "tool " + step.tool + " failed: " + result.error);
    out.messages = std::move(messages);
    out.state = std::move(state);
    return out;
  }
  return Run(*pb, std::move(state), std::move(messages));
}

StepOutcome FlowEngine::Run(const Playbook& pb, FlowState st, std::vector<std::string> messages) const {
  StepOutcome out;
  auto finish = [&](FlowStatus status) {
    st.status = status;
    out.messages = std::move(messages);
    out.state = std::move(st);
    return std::move(out);
  };
  auto handoff = [&](std::string reason, std::string summary, const char* text) {
    if (text) messages.emplace_back(text);
    Note(&st, "handoff " + reason);
    out.handoff_reason = std::move(reason);
    out.handoff_summary = std::move(summary);
    return finish(FlowStatus::kHandedOff);
  };
  const std::string& lang = st.language;
  for (int n = 0;; ++n) {
    if (n >= kMaxStepsPerTurn)
      return handoff("loop_guard", DefaultSummary(pb, st, "too many steps in one turn"), kLoop.Get(lang));
    if (st.step < 0 || st.step >= static_cast<int>(pb.steps.size())) {
      Note(&st, "done");
      st.step = static_cast<int>(pb.steps.size());
      return finish(FlowStatus::kDone);
    }
    const Step& step = pb.steps[st.step];
    FlowData data{st.slots, st.results};
    switch (step.type) {
      case StepType::kAsk: {
        if (st.slots.contains(step.slot)) {
          st.step = step.next;
          break;
        }
        const SlotDef* slot = pb.FindSlot(step.slot);
        int asked = ++st.asks[step.slot];
        if (asked > slot->max_asks)
          return handoff("slot_not_provided", DefaultSummary(pb, st, "customer did not provide " + slot->name),
                         kGaveUpOnSlot.Get(lang));
        if (asked > 1) {
          messages.push_back(slot->retry_prompt.empty() ? std::string(kRetry.Get(lang)) + slot->prompt.Get(lang)
                                                        : slot->retry_prompt.Get(lang));
        } else {
          messages.push_back(slot->prompt.Get(lang));
        }
        Note(&st, "ask " + slot->name);
        out.waiting_slot = slot->name;
        return finish(FlowStatus::kWaitingForSlot);
      }
      case StepType::kTool: {
        ToolCallRequest call;
        call.tool = step.tool;
        for (const auto& kv : step.args) {
          json::value v = RenderArgument(kv.value(), data);
          if (!v.is_null()) call.args[kv.key()] = std::move(v);
        }
        st.pending_result = step.result;
        Note(&st, "call " + step.tool);
        out.tool_call = std::move(call);
        return finish(FlowStatus::kWaitingForTool);
      }
      case StepType::kBranch: {
        int target = step.default_target;
        std::string taken = "default";
        for (size_t i = 0; i < step.cases.size(); ++i) {
          if (EvaluateCondition(step.cases[i].when, data)) {
            target = step.cases[i].target;
            taken = "case " + std::to_string(i + 1);
            break;
          }
        }
        Note(&st, "branch " + step.id + " -> " + taken + " (" + pb.steps[target].id + ")");
        st.step = target;
        break;
      }
      case StepType::kSay: {
        messages.push_back(RenderTemplate(step.text.Get(lang), data));
        for (const std::string& s : step.clear_slots) {
          st.slots.erase(s);
        }
        Note(&st, "say " + step.id);
        st.step = step.next;
        break;
      }
      case StepType::kHandoff: {
        if (!step.text.empty()) messages.push_back(RenderTemplate(step.text.Get(lang), data));
        std::string summary = step.summary.empty() ? DefaultSummary(pb, st, step.reason)
                                                   : RenderTemplate(step.summary.Get(lang), data);
        return handoff(step.reason, std::move(summary), nullptr);
      }
      case StepType::kEnd: {
        if (!step.text.empty()) messages.push_back(RenderTemplate(step.text.Get(lang), data));
        Note(&st, "end " + step.id);
        return finish(FlowStatus::kDone);
      }
    }
  }
}

}  // namespace lingxi::flows
