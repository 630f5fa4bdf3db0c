// Asynchronous bot turns: a playbook calling the business's tools, or the LLM agent.
//
//   customer message ─► COMMIT (the echo acks the customer) ─► Assistant::Run
//        ─► `delta` events while the answer streams ─► reply COMMIT ─► message event
//
// One such turn runs per conversation at a time; customer messages that arrive meanwhile are
// stored and acknowledged at once and answered together when the running turn ends. If people
// take the conversation over meanwhile (the customer asked for a human, an agent claimed it),
// the bot's answer is dropped.
#include <algorithm>

#include "conversations/conversation_service.h"
#include "conversations/internal/conversation_state.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/utf8.h"

namespace lingxi::conversations {

using domain::ConversationStatus;
using domain::Message;
using domain::SenderType;

void ConversationService::Dispatch(std::function<void()> fn) {
  if (options_.dispatch) {
    options_.dispatch(std::move(fn));
  } else {
    fn();
  }
}

// REQUIRES: st.mu held; the customer's text is already in st (RememberCustomerLocked).
void ConversationService::StartAgentTurnLocked(State& st, const std::shared_ptr<State>& st_ptr, Id account_id,
                                               Id conversation_id, bot::TurnPlan plan, bot::TurnInput input,
                                               size_t answered, std::shared_ptr<TurnResult> turn,
                                               bool status_changed, TurnCallback done) {
  st.agent_busy = true;
  bot::AgentTurn at;
  at.account_id = account_id;
  at.conversation_id = conversation_id;
  at.customer_id = st.customer_external_id;
  at.bot_state = st.conv.bot_state;
  // The transcript without the `answered` latest customer messages: they are the input's text.
  // (Messages queued during a busy turn precede that turn's answer in the transcript.)
  for (auto it = st.transcript.rbegin(); it != st.transcript.rend(); ++it) {
    if (answered > 0 && it->first == "user") {
      --answered;
      continue;
    }
    at.transcript.push_back(*it);
  }
  std::reverse(at.transcript.begin(), at.transcript.end());
  at.input = std::move(input);
  const bool insert_incoming = !turn->message.content.empty() && turn->message.id == 0;
  if (!insert_incoming && !status_changed) {
    st.agent_cancel = LaunchAgent(st_ptr, account_id, conversation_id, std::move(plan), std::move(at),
                                  std::move(turn), std::move(done));
    return;
  }
  // Store (and acknowledge) the customer's message first; the answer follows.
  auto launch = [this, st_ptr, account_id, conversation_id, plan = std::move(plan), at = std::move(at), turn,
                 done](Result<TurnResult> r) mutable {
    if (!r.ok()) {
      {
        std::lock_guard lock(st_ptr->mu);
        st_ptr->agent_busy = false;
      }
      if (done) done(r.status());
      return;
    }
    auto cancel = LaunchAgent(st_ptr, account_id, conversation_id, std::move(plan), std::move(at), turn,
                              std::move(done));
    std::lock_guard lock(st_ptr->mu);
    if (st_ptr->agent_busy) st_ptr->agent_cancel = std::move(cancel);
  };
  Commit(st_ptr, conversation_id, turn, status_changed, insert_incoming, std::move(launch));
}

// Does not lock st->mu (callers may hold it); returns the handle to cancel the turn.
std::shared_ptr<bot::AgentCancel> ConversationService::LaunchAgent(const std::shared_ptr<State>& st, Id account_id,
                                                                   Id conversation_id, bot::TurnPlan plan,
                                                                   bot::AgentTurn agent_turn,
                                                                   std::shared_ptr<TurnResult> turn,
                                                                   TurnCallback done) {
  const std::string text = agent_turn.input.text;
  auto on_delta = [this, account_id, conversation_id](std::string_view delta) {
    if (!sink_ || delta.empty()) return;
    Event e{Event::Kind::kDelta, account_id, conversation_id, nullptr, nullptr};
    e.delta = std::string(delta);
    sink_->Publish(e);
  };
  auto on_done = [this, st, account_id, conversation_id, text, turn, done](bot::AgentReply reply) mutable {
    // On the HTTP client's loop thread: move the bookkeeping off it.
    Dispatch([this, st, account_id, conversation_id, text = std::move(text), turn = std::move(turn),
              done = std::move(done), reply = std::move(reply)]() mutable {
      FinishAgentTurn(st, account_id, conversation_id, std::move(reply), std::move(text), std::move(turn),
                      std::move(done));
    });
  };
  return options_.assistant->Run(std::move(plan), std::move(agent_turn), std::move(on_delta), std::move(on_done));
}

void ConversationService::FinishAgentTurn(const std::shared_ptr<State>& st, Id account_id, Id conversation_id,
                                          bot::AgentReply reply, std::string customer_text,
                                          std::shared_ptr<TurnResult> turn, TurnCallback done) {
  std::unique_lock lock(st->mu);
  st->agent_busy = false;
  st->agent_cancel.reset();
  if (!st->loaded || st->conv.status != ConversationStatus::kBot) {
    LOG_INFO("conversation {}: people took over while the bot was answering; its answer is dropped", conversation_id);
    st->queued.clear();
    lock.unlock();
    if (done) done(*turn);
    return;
  }
  const int64_t now = NowMillis();
  auto out = std::make_shared<TurnResult>();
  out->replies.push_back(Message{0, account_id, conversation_id, SenderType::kBot, 0, reply.decision.reply,
                                 reply.meta_json, now});
  bool changed = ApplyDecision(*st, reply.decision, customer_text);
  if (st->conv.status == ConversationStatus::kBot && st->conv.bot_state != reply.bot_state) {
    st->conv.bot_state = reply.bot_state;
    changed = true;
  }
  st->PushTranscript("assistant", reply.decision.reply);
  st->conv.updated_at = st->conv.last_message_at = now;
  st->conv.last_message_preview = std::string(Utf8Prefix(reply.decision.reply, 120));
  out->conversation = st->conv;
  auto finish = [turn, done](Result<TurnResult> r) {
    if (!done) return;
    if (!r.ok()) return done(r.status());
    TurnResult full = *turn;
    full.replies = std::move(r->replies);
    full.conversation = std::move(r->conversation);
    done(std::move(full));
  };
  Commit(st, conversation_id, out, changed, false, std::move(finish), std::move(reply.trace_json));

  // Messages that arrived while the bot was busy are answered together, now.
  if (st->queued.empty() || st->conv.status != ConversationStatus::kBot) return;
  std::string joined;
  for (const auto& q : st->queued) (joined.empty() ? joined : joined += "\n") += q;
  const size_t n = st->queued.size();
  st->queued.clear();
  bot::TurnInput in;
  in.text = joined;
  const size_t keep = st->recent_customer.size() > n ? st->recent_customer.size() - n : 0;
  in.history.assign(st->recent_customer.begin(), st->recent_customer.begin() + static_cast<std::ptrdiff_t>(keep));
  in.last_sources = st->last_sources;
  in.last_topic_query = st->last_topic_query;
  in.customer_known = !st->customer_external_id.empty();
  bot::TurnPlan plan = options_.assistant->Prepare(account_id, in, st->conv.bot_state);
  auto next = std::make_shared<TurnResult>();
  next->conversation = st->conv;
  if (plan.async) {
    StartAgentTurnLocked(*st, st, account_id, conversation_id, std::move(plan), std::move(in), n, next, false,
                         nullptr);
    return;
  }
  const bot::Decision& d = plan.embedded;
  const bool next_changed = AddEmbeddedReplyLocked(*st, d, joined, now, *next);
  st->PushTranscript("assistant", d.reply);
  st->conv.last_message_preview = std::string(Utf8Prefix(d.reply, 120));
  next->conversation = st->conv;
  Commit(st, conversation_id, next, next_changed, false, nullptr);
}

void ConversationService::CustomerLeft(Id conversation_id) {
  std::shared_ptr<State> st = Peek(conversation_id);
  if (!st) return;
  std::shared_ptr<bot::AgentCancel> cancel;
  {
    std::lock_guard lock(st->mu);
    cancel = st->agent_cancel;
  }
  if (cancel) cancel->Cancel();
}

}  // namespace lingxi::conversations
