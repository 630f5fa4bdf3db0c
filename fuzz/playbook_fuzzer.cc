// Playbooks (flows/playbook.h) as an account admin writes them, run by the flow engine
// (flows/flow_engine.h) through a scripted conversation: customer replies and tool results.
// Invariants: a bad playbook is InvalidArgument, never a crash or a throw; in an accepted one every
// step, branch, status and error target is a step index (or -1 = done) and every asked slot
// exists; the engine never crashes on it, and each outcome is coherent:
// a tool call exactly when waiting for a tool, a slot name exactly when waiting for a slot, a
// reason exactly when handed off, never still running; every turn succeeds and its flow state
// survives ToJson / FromJson.
#include <boost/json.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "core/json.h"
#include "flows/flow_engine.h"
#include "flows/playbook.h"
#include "flows/tool.h"
#include "fuzz_check.h"

namespace {

namespace json = boost::json;
using lingxi::fuzz::Printable;
using namespace lingxi::flows;

void CheckTargets(const Playbook& pb) {
  const int n = static_cast<int>(pb.steps.size());
  auto in_range = [n](int t) { return t >= -1 && t < n; };
  for (const Step& s : pb.steps) {
    const std::string where = "step " + s.id;
    LINGXI_FUZZ_CHECK(in_range(s.next) && in_range(s.on_error), where + ": next/on_error out of range");
    for (const auto& [status, target] : s.on_status)
      LINGXI_FUZZ_CHECK(status >= 100 && status <= 599 && in_range(target), where + ": on_status");
    if (s.type == StepType::kBranch) {
      LINGXI_FUZZ_CHECK(!s.cases.empty() && s.default_target >= 0 && s.default_target < n, where + ": default");
      for (const BranchCase& c : s.cases) LINGXI_FUZZ_CHECK(c.target >= 0 && c.target < n, where + ": case target");
    }
    if (s.type == StepType::kAsk) LINGXI_FUZZ_CHECK(pb.FindSlot(s.slot) != nullptr, where + ": unknown slot");
  }
}

void CheckOutcome(const StepOutcome& o) {
  const FlowStatus st = o.state.status;
  LINGXI_FUZZ_CHECK(o.tool_call.has_value() == (st == FlowStatus::kWaitingForTool), "tool call vs status");
  LINGXI_FUZZ_CHECK(!o.waiting_slot.empty() == (st == FlowStatus::kWaitingForSlot), "waiting slot vs status");
  LINGXI_FUZZ_CHECK(!o.handoff_reason.empty() == (st == FlowStatus::kHandedOff), "handoff reason vs status");
  LINGXI_FUZZ_CHECK(st != FlowStatus::kRunning, "returned while running");
  const json::object j = o.state.ToJson();
  auto back = FlowState::FromJson(j);
  LINGXI_FUZZ_CHECK(back.ok(), "state does not read back: " + back.status().ToString() + "\n" + json::serialize(j));
  LINGXI_FUZZ_CHECK(back->ToJson() == j, "state changed on the way back: " + json::serialize(j));
}

// The customer's replies and the business API's answers, in turn.
const char* const kReplies[] = {"LX20240001", "yes", "不是", "3", "<b>hi</b> {{order_no}}", "", "no", "LX2024000999"};

ToolResult Answer(const ToolCallRequest& call, size_t turn) {
  ToolResult r;
  r.tool = call.tool;
  switch (turn % 4) {
    case 0:
      r.ok = true;
      r.http_status = 200;
      r.fields = json::object{{"status", "delivered"}, {"order_no", "LX20240001"}, {"delivery.type", "locker"}};
      break;
    case 1:
      r.http_status = 404;
      r.error_code = "http_error";
      r.error = "HTTP 404";
      break;
    case 2:
      r.ok = true;
      r.http_status = 200;
      r.fields = json::object{{"status", json::array{1, "x"}}, {"sample_data", nullptr}};
      break;
    default:
      r.error_code = "DeadlineExceeded";
      r.error = "timeout";
  }
  return r;
}

void Converse(const FlowEngine& engine, const Playbook& pb, const std::string& language, size_t script) {
  auto outcome = engine.Start(pb.id, language, kReplies[script % std::size(kReplies)]);
  LINGXI_FUZZ_CHECK(outcome.ok(), "start failed: " + outcome.status().ToString());
  for (size_t turn = 0; turn < 40; ++turn) {
    CheckOutcome(*outcome);
    const FlowStatus st = outcome->state.status;
    if (st == FlowStatus::kDone || st == FlowStatus::kHandedOff) return;
    if (st == FlowStatus::kWaitingForTool) {
      outcome = engine.OnToolResult(outcome->state, Answer(*outcome->tool_call, turn + script));
    } else {
      outcome = engine.Continue(outcome->state, kReplies[(turn + script) % std::size(kReplies)]);
    }
    LINGXI_FUZZ_CHECK(outcome.ok(), "turn failed: " + outcome.status().ToString());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  boost::system::error_code ec;
  json::value doc = lingxi::ParseJson(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec) return 0;
  auto pb = ParsePlaybook(doc, nullptr);
  if (!pb.ok()) {
    LINGXI_FUZZ_CHECK(pb.status().code() == lingxi::StatusCode::kInvalidArgument, pb.status().ToString());
    return 0;
  }
  CheckTargets(*pb);
  auto library = PlaybookLibrary::FromPlaybooks({*pb});
  LINGXI_FUZZ_CHECK(library.ok(), library.status().ToString());
  const FlowEngine engine(*library);
  for (size_t script = 0; script < 3; ++script) Converse(engine, *pb, script == 1 ? "zh" : "en", script);
  return 0;
}
