// The flow engine: runs a playbook as a deterministic state machine, one customer turn at a
// time. The engine does no I/O: when a step needs a tool it returns the call to make and pauses;
// the caller executes it (HttpToolRunner) and resumes with OnToolResult. Between turns the
// state is a plain value (FlowState, JSON round-trippable) persisted with the conversation.
//
//   Start(...)        -> StepOutcome   (messages + tool call | waiting for slot | done | handoff)
//   OnToolResult(...) -> StepOutcome   (after a tool call)
//   Continue(...)     -> StepOutcome   (the customer's next message while waiting for a slot)
//
// Guarantees: at most kMaxStepsPerTurn steps run per call (a cycle hands off instead of
// spinning); a slot is asked at most max_asks times (then hand off); a failed tool call goes to
// the step's on_status/on_error target or, by default, an apology and a handoff: never a dead end.
// Thread-safety: FlowEngine is immutable; concurrent calls with different states are safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "flows/playbook.h"
#include "flows/tool.h"

namespace lingxi::flows {

enum class FlowStatus { kRunning, kWaitingForSlot, kWaitingForTool, kDone, kHandedOff };
std::string_view FlowStatusName(FlowStatus s);

struct FlowState {
  std::string playbook_id;
  std::string language = "en";  // "zh" or "en"
  int step = 0;                 // index of the current step
  FlowStatus status = FlowStatus::kRunning;
  boost::json::object slots;    // name -> value
  boost::json::object results;  // result name -> ToolResultToJson
  std::map<std::string, int> asks;  // slot -> times asked
  std::string pending_result;       // result name while waiting for a tool
  std::vector<std::string> transcript;  // steps taken, e.g. "tool get_order -> ok 200" (capped)

  boost::json::object ToJson() const;
  static Result<FlowState> FromJson(const boost::json::value& v);
};

struct ToolCallRequest {
  std::string tool;
  boost::json::object args;  // rendered from slots/results; still to be validated by the tool layer
};

struct StepOutcome {
  FlowState state;
  std::vector<std::string> messages;     // to send to the customer, in order
  std::optional<ToolCallRequest> tool_call;  // set iff state.status == kWaitingForTool
  std::string waiting_slot;              // set iff state.status == kWaitingForSlot
  std::string handoff_reason;            // set iff state.status == kHandedOff
  std::string handoff_summary;           // for the agent taking over
};

class FlowEngine {
 public:
  static constexpr int kMaxStepsPerTurn = 32;

  explicit FlowEngine(std::shared_ptr<const PlaybookLibrary> playbooks);

  // Starts `playbook_id` in `language` ("zh*" -> Chinese, anything else English), filling slots
  // from `customer_text` (the message that triggered the flow). NotFound for an unknown playbook.
  Result<StepOutcome> Start(std::string_view playbook_id, std::string_view language, std::string_view customer_text) const;
  // The customer's next message. FailedPrecondition unless the state waits for a slot;
  // NotFound if the playbook is gone (e.g. removed by a reload); InvalidArgument for a state
  // that does not fit the playbook.
  Result<StepOutcome> Continue(FlowState state, std::string_view customer_text) const;
  // Whether `customer_text` gives the slot a waiting flow asks for (changes nothing). False if the
  // state does not wait for a slot or does not fit the playbook. Lets the caller tell an answer to
  // the question from a new topic ("how do I get an invoice?" while the flow wants an order number).
  bool AnswersWaitingSlot(const FlowState& state, std::string_view customer_text) const;
  // The result of the tool call the last outcome asked for. FailedPrecondition unless the state
  // waits for a tool.
  Result<StepOutcome> OnToolResult(FlowState state, const ToolResult& result) const;

  const PlaybookLibrary& playbooks() const { return *playbooks_; }

 private:
  Result<const Playbook*> Resolve(const FlowState& state) const;
  StepOutcome Run(const Playbook& pb, FlowState state, std::vector<std::string> messages) const;
  std::shared_ptr<const PlaybookLibrary> playbooks_;
};

}  // namespace lingxi::flows
