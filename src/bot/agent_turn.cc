// One asynchronous bot turn (Assistant::Run): a playbook driven through the flow engine and the
// account's HTTP tools, or the LLM tool loop with masking and streaming; both end in exactly one
// AgentReply, falling back to the embedded decision on any failure or at the deadline.
#include <boost/json.hpp>

#include "core/json.h"
#include "bot/assistant.h"
#include "bot/replies.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "llm/pii.h"

namespace lingxi::bot {

namespace json = boost::json;

namespace {

constexpr const char* kStartPlaybook = "start_playbook";
constexpr const char* kHandoffTool = "handoff_to_human";

json::object ParseObject(const std::string& text) {
  boost::system::error_code ec;
  json::value v = ParseJson(text, ec);
  if (ec || !v.is_object()) return {};
  return std::move(v.as_object());
}

std::string JoinMessages(const std::vector<std::string>& messages) {
  std::string out;
  for (const auto& m : messages) {
    if (m.empty()) continue;
    if (!out.empty()) out += "\n\n";
    out += m;
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// One asynchronous turn. After Start() everything runs on the HTTP client's loop thread,
// except Cancel(), which only touches the call handles under `mu`.

struct Assistant::TurnRun : AgentCancel, std::enable_shared_from_this<TurnRun> {
  const Bot* bot = nullptr;
  net::HttpClient* http = nullptr;
  llm::ChatClient* llm = nullptr;
  flows::HttpToolRunner* runner = nullptr;
  AssistantOptions opt;
  std::shared_ptr<const Automation> automation;
  TurnPlan plan;
  AgentTurn turn;
  std::function<void(std::string_view)> on_delta;
  std::function<void(AgentReply)> done;
  std::shared_ptr<std::atomic<int64_t>> active;

  std::mutex mu;  // guards call, tool_request
  std::shared_ptr<llm::ChatCall> call;
  net::RequestId tool_request = 0;
  std::atomic<bool> cancelled{false};
  bool finished = false;
  net::TimerId deadline_timer = 0;

  int64_t started_us = 0;
  json::array tool_trace;
  json::object trace;
  llm::PiiMasker masker;
  llm::PiiVault vault;
  std::vector<llm::ChatMessage> messages;
  std::vector<llm::ToolSpec> tools;
  std::vector<Source> passages;
  std::string pending;  // masked streamed text not yet released (may end in half a placeholder)
  int rounds = 0;
  json::object llm_meta;
  std::string playbook_id;

  void Cancel() override {
    cancelled = true;
    std::shared_ptr<llm::ChatCall> c;
    net::RequestId t = 0;
    {
      std::lock_guard lock(mu);
      c = call;
      t = tool_request;
    }
    if (c) c->Cancel();
    if (t) runner->Cancel(t);
  }

  const std::string& language() const { return plan.embedded.language; }
  int64_t ElapsedMs() const { return (MonotonicMicros() - started_us) / 1000; }

  void Start() {
    started_us = MonotonicMicros();
    std::weak_ptr<TurnRun> weak = weak_from_this();
    deadline_timer = http->RunAfter(opt.llm_timeout, [weak]() {
      if (auto self = weak.lock()) self->OnDeadline();
    });
    if (plan.continue_flow) return ContinueFlow();
    if (!plan.playbook.empty()) return StartFlow(plan.playbook, nullptr, "router");
    if (plan.use_llm && llm) return StartLlm();
    Fallback("nothing to run");
  }

  void OnDeadline() {
    if (finished) return;
    trace["deadline_exceeded"] = true;
    Cancel();
    Fallback("deadline");
  }

  // ---- the end of a turn ------------------------------------------------------------
  void Finish(AgentReply r) {
    if (finished) return;
    finished = true;
    http->CancelTimer(deadline_timer);
    trace["elapsed_ms"] = ElapsedMs();
    if (!tool_trace.empty()) trace["tool_calls"] = tool_trace;
    r.trace_json = json::serialize(trace);
    json::object meta = r.decision.MetaObject();
    if (!playbook_id.empty()) meta["playbook"] = playbook_id;
    if (!tool_trace.empty()) {
      json::array brief;
      for (const auto& t : tool_trace) {
        const auto& o = t.as_object();
        json::object b;
        for (const char* k : {"tool", "ok", "http_status", "elapsed_ms", "error_code"})
          if (auto* v = o.if_contains(k)) b[k] = *v;
        brief.push_back(std::move(b));
      }
      meta["tools"] = std::move(brief);
    }
    if (!llm_meta.empty()) meta["llm"] = llm_meta;
    if (r.fallback) meta["fallback"] = true;
    r.meta_json = json::serialize(meta);
    active->fetch_sub(1);
    auto cb = std::move(done);
    cb(std::move(r));
  }

  // The embedded engine's decision answers (or hands off) instead.
  void Fallback(const std::string& why) {
    if (finished) return;
    trace["fallback"] = why;
    if (!llm_meta.empty()) llm_meta["error"] = why;
    AgentReply r;
    r.decision = plan.embedded;
    r.fallback = true;
    Finish(std::move(r));
  }

  // ---- playbooks -----------------------------------------------------------------------
  void StartFlow(const std::string& id, const json::object* slots, const char* chosen_by) {
    if (!automation || !automation->flows) return Fallback("no playbooks");
    playbook_id = id;
    trace["kind"] = "playbook";
    trace["playbook"] = id;
    trace["chosen_by"] = chosen_by;
    // Slots the model filled are offered to the engine as text it can extract from.
    std::string text = turn.input.text;
    if (slots) {
      for (const auto& [k, v] : *slots)
        if (v.is_string()) (text += ' ') += std::string(v.as_string());
    }
    Drive(automation->flows->Start(id, language(), text));
  }

  void ContinueFlow() {
    if (!automation || !automation->flows) return Fallback("no playbooks");
    boost::system::error_code ec;
    json::value v = json::parse(turn.bot_state, ec);
    auto state = ec ? Result<flows::FlowState>(InvalidArgument("bad bot_state")) : flows::FlowState::FromJson(v);
    if (!state.ok()) return Fallback("playbook state unreadable: " + state.status().message());
    playbook_id = state->playbook_id;
    trace["kind"] = "playbook";
    trace["playbook"] = playbook_id;
    trace["chosen_by"] = "continue";
    Drive(automation->flows->Continue(std::move(*state), turn.input.text));
  }

  std::vector<std::string> flow_messages;

  void Drive(Result<flows::StepOutcome> outcome) {
    if (finished) return;
    if (!outcome.ok()) return Fallback("playbook: " + outcome.status().message());
    for (auto& m : outcome->messages) flow_messages.push_back(std::move(m));
    if (outcome->state.status == flows::FlowStatus::kWaitingForTool && outcome->tool_call) {
      if (cancelled) return Fallback("cancelled");
      flows::ToolCallContext ctx{automation->tools, turn.customer_id};
      if (!ctx.tools) return Fallback("playbook needs tools but the account has none");
      auto run = shared_from_this();
      auto state = std::make_shared<flows::FlowState>(std::move(outcome->state));
      const std::string tool = outcome->tool_call->tool;
      net::RequestId id = runner->Run(ctx, tool, outcome->tool_call->args, [run, state](flows::ToolResult r) {
        run->RecordTool(r);
        run->Drive(run->automation->flows->OnToolResult(std::move(*state), r));
      });
      std::lock_guard lock(mu);
      tool_request = id;
      return;
    }
    AgentReply r;
    Decision& d = r.decision;
    d.language = language();
    d.negativity = plan.embedded.negativity;
    d.urgent = plan.embedded.urgent;
    d.reply = JoinMessages(flow_messages);
    d.confidence = plan.router_confidence > 0 ? plan.router_confidence : 1.0;
    const auto status = outcome->state.status;
    if (status == flows::FlowStatus::kHandedOff) {
      d.action = Action::kHandoff;
      d.handoff_reason = outcome->handoff_reason.empty() ? "playbook" : outcome->handoff_reason;
      std::vector<std::string> said = turn.input.history;
      said.push_back(turn.input.text);
      d.summary = outcome->handoff_summary.empty()
                      ? BuildHandoffSummary(d.language, "low_confidence", said, {}, d.negativity, d.urgent)
                      : outcome->handoff_summary;
      if (d.reply.empty()) d.reply = HandoffReply(d.language, "low_confidence");
    } else {
      d.action = Action::kAnswer;
      if (d.reply.empty()) return Fallback("playbook produced no message");
    }
    if (status == flows::FlowStatus::kWaitingForSlot) r.bot_state = json::serialize(outcome->state.ToJson());
    trace["flow_status"] = std::string(flows::FlowStatusName(status));
    trace["transcript"] = json::value_from(outcome->state.transcript);
    Finish(std::move(r));
  }

  void RecordTool(const flows::ToolResult& r) {
    {
      std::lock_guard lock(mu);
      tool_request = 0;
    }
    tool_trace.push_back(flows::ToolResultToJson(r));
  }

  // ---- the LLM -------------------------------------------------------------------------
  void StartLlm() {
    trace["kind"] = "llm";
    const TurnInput& in = turn.input;
    std::string query = in.text;
    if (plan.embedded.used_context && !in.last_topic_query.empty()) query = in.last_topic_query + " " + in.text;
    auto hits = bot->Suggest(turn.account_id, query, opt.max_passages);
    std::string knowledge;
    json::array trace_passages;
    for (size_t i = 0; i < hits.size(); ++i) {
      const auto& a = hits[i].article;
      passages.push_back({a.id, a.title, hits[i].score});
      knowledge += "[" + std::to_string(i + 1) + "] " + a.title + "\n" +
                   std::string(Utf8Prefix(a.body, opt.max_passage_chars)) + "\n\n";
      trace_passages.push_back(json::object{{"id", a.id}, {"title", a.title}, {"score", hits[i].score}});
    }
    trace["passages"] = std::move(trace_passages);
    std::string system = AgentSystemPrompt(language());
    if (automation && automation->flows) {
      system += "Playbooks (start_playbook ids):\n";
      for (const auto& pb : automation->flows->playbooks().playbooks())
        if (!turn.customer_id.empty() || !PlaybookNeedsCustomer(*automation, pb))
          system += "- " + pb.id + ": " + pb.title.Get("en") + "\n";
    }
    messages.push_back(llm::ChatMessage::System(std::move(system)));
    messages.push_back(llm::ChatMessage::System(
        knowledge.empty() ? std::string("Knowledge passages: none matched this question.")
                          : "Knowledge passages:\n" + masker.Mask(knowledge, vault)));
    for (const auto& [role, text] : turn.transcript)
      messages.push_back({role == "assistant" ? "assistant" : "user", masker.Mask(text, vault), {}, {}});
    messages.push_back(llm::ChatMessage::User(masker.Mask(in.text, vault)));

    if (automation && automation->tools) {
      for (const auto& t : automation->tools->tools()) {
        if (!t.customer_param.empty() && turn.customer_id.empty()) continue;  // anonymous: nothing of theirs to look up
        json::object schema = flows::ModelSchema(t);
        llm::ToolSpec spec;
        spec.name = t.name;
        if (auto* d = schema.if_contains("description"); d && d->is_string()) spec.description = d->as_string();
        if (auto* p = schema.if_contains("parameters")) spec.parameters_json = json::serialize(*p);
        tools.push_back(std::move(spec));
      }
    }
    if (automation && automation->flows && !automation->flows->playbooks().playbooks().empty()) {
      json::array ids;
      for (const auto& pb : automation->flows->playbooks().playbooks())
        if (!turn.customer_id.empty() || !PlaybookNeedsCustomer(*automation, pb)) ids.push_back(json::value(pb.id));
      if (!ids.empty()) {
        json::object params{{"type", "object"},
                            {"properties", json::object{{"playbook_id", json::object{{"type", "string"}, {"enum", ids}}},
                                                        {"order_no", json::object{{"type", "string"}}}}},
                            {"required", json::array{"playbook_id"}}};
        tools.push_back({kStartPlaybook, "Run a diagnosis playbook for the customer's problem.", json::serialize(params)});
      }
    }
    json::object hp{{"type", "object"},
                    {"properties", json::object{{"reason", json::object{{"type", "string"}}}}}};
    tools.push_back({kHandoffTool, "Hand the conversation to a human agent.", json::serialize(hp)});

    json::array trace_messages;
    for (const auto& m : messages) trace_messages.push_back(json::object{{"role", m.role}, {"content", m.content}});
    trace["prompt"] = std::move(trace_messages);
    trace["tools_offered"] = json::value_from([&] {
      std::vector<std::string> names;
      for (const auto& t : tools) names.push_back(t.name);
      return names;
    }());
    Ask();
  }

  void Ask() {
    if (finished) return;
    if (cancelled) return Fallback("cancelled");
    if (++rounds > opt.max_tool_rounds) return Fallback("too many tool rounds");
    llm::ChatRequest req;
    req.messages = messages;
    req.tools = tools;
    req.temperature = 0.3;
    req.max_tokens = 600;
    req.account_id = std::to_string(turn.account_id);
    req.conversation_id = std::to_string(turn.conversation_id);
    auto run = shared_from_this();
    llm::StreamCallbacks cb;
    cb.on_delta = [run](std::string_view delta) { run->OnDelta(delta); };
    cb.on_done = [run](Result<llm::ChatResult> r) { run->OnLlmDone(std::move(r)); };
    auto c = llm->StreamChat(std::move(req), std::move(cb));
    std::lock_guard lock(mu);
    call = std::move(c);
  }

  // Releases streamed text up to any placeholder that may still be incomplete.
  void OnDelta(std::string_view delta) {
    if (finished) return;
    pending.append(delta);
    size_t keep_from = pending.size();
    size_t open = pending.rfind('[');
    if (open != std::string::npos && pending.find(']', open) == std::string::npos && pending.size() - open <= 24)
      keep_from = open;
    if (keep_from == 0) return;
    std::string out = llm::PiiMasker::Unmask(std::string_view(pending).substr(0, keep_from), vault);
    pending.erase(0, keep_from);
    if (on_delta && !out.empty()) on_delta(out);
  }

  void OnLlmDone(Result<llm::ChatResult> r) {
    {
      std::lock_guard lock(mu);
      call.reset();
    }
    if (finished) return;
    if (!r.ok()) {
      trace["llm_error"] = r.status().ToString();
      return Fallback(std::string(StatusCodeName(r.status().code())));
    }
    llm_meta["model"] = opt.model_name;
    llm_meta["rounds"] = rounds;
    llm_meta["latency_ms"] = ElapsedMs();
    if (r->first_token_latency.count() >= 0 && !llm_meta.contains("first_token_ms"))
      llm_meta["first_token_ms"] = r->first_token_latency.count();
    if (r->has_usage) {
      auto add = [&](const char* k, int64_t v) {
        int64_t old = llm_meta.contains(k) ? llm_meta[k].as_int64() : 0;
        llm_meta[k] = old + v;
      };
      add("prompt_tokens", r->usage.prompt_tokens);
      add("completion_tokens", r->usage.completion_tokens);
      if (r->usage.prompt_cache_hit_tokens) add("cache_hit_tokens", *r->usage.prompt_cache_hit_tokens);
    }
    if (!r->tool_calls.empty()) return RunToolCalls(std::move(r->tool_calls), std::move(r->content));
    std::string text = llm::PiiMasker::Unmask(r->content, vault);
    if (!pending.empty()) {
      if (on_delta) on_delta(llm::PiiMasker::Unmask(pending, vault));
      pending.clear();
    }
    if (Trim(text).empty()) return Fallback("empty answer");
    AgentReply reply;
    Decision& d = reply.decision;
    d.action = Action::kAnswer;
    d.reply = std::move(text);
    d.language = language();
    d.sources = passages;
    d.confidence = plan.embedded.confidence;
    d.negativity = plan.embedded.negativity;
    d.urgent = plan.embedded.urgent;
    d.used_context = plan.embedded.used_context;
    trace["finish_reason"] = r->finish_reason;
    Finish(std::move(reply));
  }

  static std::string_view Trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
  }

  void RunToolCalls(std::vector<llm::ToolCall> calls, std::string content) {
    // A playbook or a handoff ends the model's part of the turn.
    for (const auto& c : calls) {
      json::object args = ParseObject(c.arguments);
      tool_trace.push_back(json::object{{"tool", c.name}, {"requested_by", "llm"}, {"arguments", args}});
      if (c.name == kStartPlaybook) {
        auto* id = args.if_contains("playbook_id");
        const auto* pb = id && id->is_string() && automation && automation->flows
                             ? automation->flows->playbooks().Find(id->as_string())
                             : nullptr;
        if (!pb) return Fallback("model chose an unknown playbook");
        if (turn.customer_id.empty() && PlaybookNeedsCustomer(*automation, *pb))
          return Fallback("model chose a playbook that needs a known customer");
        return StartFlow(pb->id, &args, "llm");
      }
      if (c.name == kHandoffTool) {
        AgentReply r;
        r.decision = plan.embedded;
        Decision& d = r.decision;
        d.action = Action::kHandoff;
        d.handoff_reason = "low_confidence";
        d.reply = HandoffReply(d.language, "low_confidence");
        std::vector<std::string> said = turn.input.history;
        said.push_back(turn.input.text);
        d.summary = BuildHandoffSummary(d.language, "low_confidence", said, passages, d.negativity, d.urgent);
        return Finish(std::move(r));
      }
    }
    messages.push_back(llm::ChatMessage::Assistant(std::move(content), calls));
    RunTool(std::make_shared<std::vector<llm::ToolCall>>(std::move(calls)), 0);
  }

  void RunTool(std::shared_ptr<std::vector<llm::ToolCall>> calls, size_t i) {
    if (finished) return;
    if (i == calls->size()) return Ask();
    const llm::ToolCall& c = (*calls)[i];
    auto run = shared_from_this();
    auto answer = [run, calls, i](const flows::ToolResult& r) {
      run->RecordTool(r);
      json::object o = flows::ToolResultToJson(r);
      run->messages.push_back(llm::ChatMessage::Tool((*calls)[i].id, run->masker.Mask(json::serialize(o), run->vault)));
      run->RunTool(calls, i + 1);
    };
    if (!automation || !automation->tools || !automation->tools->Find(c.name)) {
      flows::ToolResult r;
      r.tool = c.name;
      r.error_code = "not_found";
      r.error = "no such tool";
      return answer(r);
    }
    // Arguments come from the model: restore the customer's own data it saw as placeholders.
    json::object args = ParseObject(llm::PiiMasker::Unmask(c.arguments, vault));
    flows::ToolCallContext ctx{automation->tools, turn.customer_id};
    net::RequestId id = runner->Run(ctx, c.name, args, answer);
    std::lock_guard lock(mu);
    tool_request = id;
  }
};

std::shared_ptr<AgentCancel> Assistant::Run(TurnPlan plan, AgentTurn turn,
                                            std::function<void(std::string_view)> on_delta,
                                            std::function<void(AgentReply)> done) {
  auto run = std::make_shared<TurnRun>();
  run->bot = bot_;
  run->http = http_;
  run->llm = llm_;
  run->runner = &runner_;
  run->opt = options_;
  run->automation = GetAutomation(turn.account_id);
  run->plan = std::move(plan);
  run->turn = std::move(turn);
  run->on_delta = std::move(on_delta);
  run->done = std::move(done);
  run->active = active_;
  active_->fetch_add(1);
  // Everything after this point runs on the loop thread, one callback at a time.
  http_->RunAfter(std::chrono::milliseconds(0), [run]() { run->Start(); });
  return run;
}

}  // namespace lingxi::bot
