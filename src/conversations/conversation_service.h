// ConversationService: the message pipeline shared by every channel.
//
//   ingest -> find/create contact by identity -> persist -> bot or human -> persist reply
//   -> publish events (fan-out to WebSocket subscribers).
//
// A customer message and the bot's reply to it are written in one job of the store's
// group commit; the completion callback runs only after COMMIT, so whoever acknowledges
// the customer (HTTP 201, WebSocket echo) does so for durably stored data.
//
// Per-conversation state (status, recent customer messages, last topic) is cached in
// memory; turns of one conversation are serialised by a per-conversation mutex, turns of
// different conversations run in parallel. Thread-safe. Methods may read the store on a
// cache miss, so call them from worker threads; callbacks run on the store writer thread
// and must be short (post real work elsewhere).
#pragma once

#include <boost/json/object.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bot/assistant.h"
#include "bot/bot.h"
#include "conversations/events.h"
#include "core/status.h"
#include "domain/types.h"
#include "store/store.h"

namespace lingxi::conversations {

using domain::Id;

struct ContactInput {
  std::string external_id;  // the business's own id for this customer, optional
  std::string name;
  std::string email;
  // Identity verification: lowercase hex HMAC-SHA256(inbox identity secret, external_id),
  // computed by the business's back-end. Required whenever external_id is given.
  std::string identifier_hash;
};

struct StartResult {
  domain::Conversation conversation;
  domain::Contact contact;
};

struct TurnResult {
  domain::Message message;               // the stored incoming message (empty id for RequestHuman)
  std::vector<domain::Message> replies;  // bot/system messages produced by this turn
  std::string client_ref;                // see Event::client_ref
  domain::Conversation conversation;     // state after the turn
};

struct ServiceOptions {
  size_t max_content_chars = 5000;  // code points per message
  size_t max_cached_conversations = 200000;
  // Runs post-commit work (publishing events, completion callbacks) off the store's writer
  // thread. Must preserve order (e.g. a SerialExecutor). Empty: run inline on the writer.
  std::function<void(std::function<void()>)> dispatch;
  // The AI agent (playbooks with tools, LLM). Null: the embedded bot answers every turn inline.
  bot::Assistant* assistant = nullptr;
  // Called once a move to the human queue is committed (after the events are published; on the
  // dispatch executor if set, else the writer thread), with the conversation as stored. Must not
  // block: e.g. post the work of writing a better summary elsewhere.
  std::function<void(const domain::Conversation&)> on_handoff;
};

class ConversationService {
 public:
  using TurnCallback = std::function<void(Result<TurnResult>)>;
  using ConversationCallback = std::function<void(Result<domain::Conversation>)>;

  ConversationService(store::Store* store, const bot::Bot* bot, EventSink* sink, ServiceOptions options = {});
  ~ConversationService();

  // Starts a web-chat conversation for the inbox whose widget token is `inbox_token`,
  // reusing the contact known by `contact.external_id` on the webchat channel if any.
  // Blocking. Errors: NotFound (unknown inbox), InvalidArgument (bad contact fields).
  Result<StartResult> StartWidgetConversation(const std::string& inbox_token, const ContactInput& contact);

  // A customer message. Validates `content` (UTF-8, non-empty, length). Errors via `done`:
  // InvalidArgument, NotFound (conversation not in account), PermissionDenied (not this contact's).
  // `client_ref` (optional) is the JSON text of the sender's client id, carried on the message event.
  void PostCustomerMessage(Id account_id, Id conversation_id, Id contact_id, std::string content, TurnCallback done,
                           std::string client_ref = {});
  // Same, but only if it can run without blocking (conversation state and knowledge already
  // in memory): returns false without side effects otherwise, and the caller retries with
  // PostCustomerMessage on a worker thread. Lets I/O threads take the common path directly.
  bool TryPostCustomerMessage(Id account_id, Id conversation_id, Id contact_id, std::string& content,
                              TurnCallback& done, const std::string& client_ref = {});
  // The customer pressed "talk to a person": queue for agents (no-op if already with humans).
  void RequestHuman(Id account_id, Id conversation_id, Id contact_id, TurnCallback done);
  // An agent's reply; assigns the conversation to the agent if nobody holds it. `extra_meta` is
  // added to the message's meta (e.g. the original of a translated reply).
  void PostAgentMessage(Id account_id, Id conversation_id, const domain::User& agent, std::string content,
                        TurnCallback done, boost::json::object extra_meta = {});
  // Assigns (claims or transfers) to `assignee_id`, an active user of the account.
  void Assign(Id account_id, Id conversation_id, Id assignee_id, ConversationCallback done);
  // Marks resolved and tells the customer.
  void Resolve(Id account_id, Id conversation_id, ConversationCallback done);
  // Replaces the handoff summary (e.g. with one the LLM wrote) if the conversation is still with
  // humans (queued or assigned) and its summary is still `expected`; FailedPrecondition otherwise
  // (the conversation moved on meanwhile). Publishes the updated conversation to agents.
  void ReplaceHandoffSummary(Id account_id, Id conversation_id, const std::string& expected, std::string summary,
                             ConversationCallback done);

  // Loads the conversation's state into memory (blocking) so later turns can take the
  // non-blocking path. Errors: NotFound, PermissionDenied (not this contact's).
  Status Preload(Id account_id, Id conversation_id, Id contact_id);

  size_t cached_conversations() const;

  // The customer closed the chat: a bot answer still being written (LLM, tool call) is
  // cancelled; the embedded engine's answer is stored instead. No-op if nothing is running.
  void CustomerLeft(Id conversation_id);

 private:
  struct State;
  struct Shard;
  Result<std::shared_ptr<State>> Acquire(Id conversation_id);
  std::shared_ptr<State> Peek(Id conversation_id) const;
  // Acquire() + lock + load from the store if not cached (or cached for another account).
  // On success `*lock` holds the state's mutex.
  Result<std::shared_ptr<State>> AcquireLoaded(Id account_id, Id conversation_id, std::unique_lock<std::mutex>* lock);
  void CustomerTurnLocked(State& st, const std::shared_ptr<State>& st_ptr, Id account_id, Id conversation_id,
                          Id contact_id, std::string content, std::string client_ref, TurnCallback done);
  Status Load(State& st, Id account_id, Id conversation_id);
  void Forget(Id conversation_id);
  void Commit(std::shared_ptr<State> st, Id conversation_id, std::shared_ptr<TurnResult> turn,
              bool status_changed, bool insert_incoming, TurnCallback done, std::string trace = {});
  // Applies a bot decision to the cached state; returns whether the conversation row changed.
  bool ApplyDecision(State& st, const bot::Decision& d, const std::string& customer_text);
  // Adds the embedded decision's reply to `turn` and applies it (ending a running playbook).
  // REQUIRES: st.mu held. Returns whether the conversation row changed.
  bool AddEmbeddedReplyLocked(State& st, const bot::Decision& d, const std::string& customer_text, int64_t now,
                              TurnResult& turn);
  // Asynchronous bot turns (agent_turns.cc). REQUIRES: st.mu held.
  void StartAgentTurnLocked(State& st, const std::shared_ptr<State>& st_ptr, Id account_id, Id conversation_id,
                            bot::TurnPlan plan, bot::TurnInput input, size_t answered,
                            std::shared_ptr<TurnResult> turn, bool status_changed, TurnCallback done);
  std::shared_ptr<bot::AgentCancel> LaunchAgent(const std::shared_ptr<State>& st, Id account_id, Id conversation_id,
                                                bot::TurnPlan plan, bot::AgentTurn agent_turn,
                                                std::shared_ptr<TurnResult> turn, TurnCallback done);
  // `normalized`: Normalize(content) if the caller has it (else computed here).
  void RememberCustomerLocked(State& st, std::string content, int64_t now, std::string normalized = {});
  void FinishAgentTurn(const std::shared_ptr<State>& st, Id account_id, Id conversation_id, bot::AgentReply reply,
                       std::string customer_text, std::shared_ptr<TurnResult> turn, TurnCallback done);
  void Dispatch(std::function<void()> fn);
  void Complete(const std::shared_ptr<State>& st, Id conversation_id, const std::shared_ptr<TurnResult>& turn,
                bool status_changed, int64_t started, const TurnCallback& done, const Status& s);
  void Publish(const TurnResult& turn, bool status_changed);
  Status ValidateContent(std::string& content) const;

  store::Store* store_;
  const bot::Bot* bot_;
  EventSink* sink_;
  ServiceOptions options_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace lingxi::conversations
