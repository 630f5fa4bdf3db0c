// Assistant: the bot's policy for one customer turn when it needs more than the embedded
// answer — a playbook that calls the business's tools (diagnose before replying), or an LLM
// (DeepSeek or any OpenAI-compatible model) answering from knowledge passages with tools.
//
//   Prepare()  synchronous, microseconds: the embedded decision (signals, knowledge), plus
//              whether the turn must go asynchronous (a running playbook waits for this
//              message, the playbook router is confident, or an LLM is configured).
//   Run()      asynchronous: drives the flow engine and tool calls, or the LLM tool loop;
//              streams the answer's text through on_delta; ends with exactly one AgentReply.
//
// The model proposes, the business stays in control: a playbook, once chosen (by the embedded
// router or by the model's start_playbook call), runs deterministically; tools only see the
// current customer (the server injects the identity); personal data is masked before any text
// leaves the machine and restored in the reply; if the LLM fails, times out or its circuit is
// open, the embedded decision answers (or hands off) instead — a customer always gets a reply.
//
// Thread-safety: Prepare() and Run() may be called from any thread; SetAutomation() too.
// Run's callbacks run on the HTTP client's loop thread: they must be short.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bot/bot.h"
#include "flows/flow_engine.h"
#include "flows/http_tool_runner.h"
#include "flows/tool_registry.h"
#include "llm/chat_client.h"
#include "net/http_client.h"
#include "nlu/intent_classifier.h"

namespace lingxi::bot {

// What an account has automated: its tools, its playbooks and the router that picks a
// playbook from a customer message without an LLM.
struct Automation {
  std::shared_ptr<const flows::ToolRegistry> tools;          // may be null: no tools
  std::shared_ptr<const flows::FlowEngine> flows;            // may be null: no playbooks
  std::shared_ptr<const nlu::IntentClassifier> router;       // labels = playbook ids (+ "oos")
  float router_threshold = 0.5f;                             // confidence needed to start one
  // Whether some playbook can run for an anonymous visitor (!PlaybookNeedsCustomer); when none
  // can, the router is not even asked for them. Set by FinishAutomation().
  bool any_anonymous_playbook = true;
};

// Fills the derived fields of `automation` (call after setting tools and flows).
void FinishAutomation(Automation& automation);

// Whether `playbook` calls a tool that acts for the current customer (its customer_param), so it
// cannot run for an anonymous visitor.
bool PlaybookNeedsCustomer(const Automation& automation, const flows::Playbook& playbook);

// Trains the playbook router: each playbook's example utterances (zh + en) are one class;
// `negatives` (e.g. the knowledge base's titles and questions) form the out-of-scope class,
// except those that paraphrase a playbook example (token Jaccard >= 0.5), which are left out.
Result<std::shared_ptr<const nlu::IntentClassifier>> TrainPlaybookRouter(
    std::shared_ptr<const nlu::Normalizer> normalizer, const flows::PlaybookLibrary& playbooks,
    const std::vector<std::string>& negatives);

struct AgentTurn {
  domain::Id account_id = 0;
  domain::Id conversation_id = 0;
  std::string customer_id;  // the customer's external id, injected into tool calls
  TurnInput input;
  // Earlier messages, oldest first: {"user"|"assistant", text} (a few turns, for the LLM).
  std::vector<std::pair<std::string, std::string>> transcript;
  std::string bot_state;  // the running playbook (FlowState JSON), "" if none
};

struct TurnPlan {
  Decision embedded;      // the embedded engine's decision (the reply when !async; the fallback otherwise)
  bool async = false;
  std::string playbook;   // start this playbook (router decision)
  float router_confidence = 0;
  bool continue_flow = false;  // the running playbook takes this message
  bool use_llm = false;
};

struct AgentReply {
  Decision decision;          // reply text, action, sources, handoff reason/summary
  std::string meta_json;      // the bot message's meta (decision + playbook + tools + llm)
  std::string bot_state;      // FlowState JSON while a playbook waits for the customer, else ""
  std::string trace_json;     // prompt, passages, tool calls and timings (for admins)
  bool fallback = false;      // the LLM failed and the embedded engine answered
};

class AgentCancel {
 public:
  virtual ~AgentCancel() = default;
  virtual void Cancel() = 0;  // the customer left: stop the LLM call / tool call promptly
};

struct AssistantOptions {
  std::chrono::milliseconds llm_timeout{20000};  // absolute deadline of one answer, tools included
  std::string model_name;                          // for meta and usage records
  int max_tool_rounds = 4;
  size_t max_passages = 3;
  size_t max_passage_chars = 900;
};

class Assistant {
 public:
  // `http` is required for tools; `llm` may be null (embedded engine + playbooks only). Both
  // must outlive the Assistant and every turn it runs.
  Assistant(const Bot* bot, net::HttpClient* http, llm::ChatClient* llm, AssistantOptions options = {});
  ~Assistant();

  void SetAutomation(domain::Id account_id, std::shared_ptr<const Automation> automation);
  std::shared_ptr<const Automation> GetAutomation(domain::Id account_id) const;
  bool llm_enabled() const { return llm_ != nullptr; }

  TurnPlan Prepare(domain::Id account_id, const TurnInput& input, const std::string& bot_state) const;

  // REQUIRES: plan.async. `done` runs exactly once (also after Cancel, with a fallback reply).
  std::shared_ptr<AgentCancel> Run(TurnPlan plan, AgentTurn turn, std::function<void(std::string_view)> on_delta,
                                   std::function<void(AgentReply)> done);

  // Turns in flight (for metrics and tests).
  int64_t active() const { return active_->load(); }

  struct TurnRun;  // internal

 private:
  const Bot* bot_;
  net::HttpClient* http_;
  llm::ChatClient* llm_;
  AssistantOptions options_;
  flows::HttpToolRunner runner_;
  mutable std::mutex mu_;
  std::map<domain::Id, std::shared_ptr<const Automation>> automation_;
  std::shared_ptr<std::atomic<int64_t>> active_ = std::make_shared<std::atomic<int64_t>>(0);
};

// The system prompt (the stable prefix of every request) for a customer writing in `language`.
std::string AgentSystemPrompt(const std::string& language);

}  // namespace lingxi::bot
