#include "conversations/conversation_service.h"

#include <cctype>
#include <mutex>
#include <unordered_map>

#include <boost/json.hpp>

#include "conversations/internal/conversation_state.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/utf8.h"

namespace lingxi::conversations {

using domain::ConversationStatus;
using domain::Message;
using domain::SenderType;

namespace {

struct Metrics {
  Counter* contact_messages;
  Counter* bot_messages;
  Counter* agent_messages;
  Counter* answers;
  Counter* small_talk;
  Counter* handoff_requested;
  Counter* handoff_low_confidence;
  Counter* handoff_negative;
  Counter* handoff_repeated;
  Histogram* turn_latency;
  static Metrics& Get() {
    static Metrics m = [] {
      auto& r = MetricsRegistry::Global();
      const std::string msgs = "lingxi_messages_total";
      const std::string msgs_help = "Messages stored, by sender";
      const std::string ho = "lingxi_bot_handoffs_total";
      const std::string ho_help = "Conversations the bot handed to humans, by reason";
      return Metrics{r.GetCounter(msgs, msgs_help, "sender=\"contact\""),
                     r.GetCounter(msgs, msgs_help, "sender=\"bot\""),
                     r.GetCounter(msgs, msgs_help, "sender=\"agent\""),
                     r.GetCounter("lingxi_bot_answers_total", "Bot answers from knowledge"),
                     r.GetCounter("lingxi_bot_small_talk_total", "Bot greetings and thanks replies"),
                     r.GetCounter(ho, ho_help, "reason=\"requested\""),
                     r.GetCounter(ho, ho_help, "reason=\"low_confidence\""),
                     r.GetCounter(ho, ho_help, "reason=\"negative_sentiment\""),
                     r.GetCounter(ho, ho_help, "reason=\"repeated\""),
                     r.GetHistogram("lingxi_turn_duration_seconds",
                                    "Customer message received to reply committed")};
    }();
    return m;
  }
};

void CountHandoff(const std::string& reason) {
  auto& m = Metrics::Get();
  if (reason == "requested") m.handoff_requested->Inc();
  else if (reason == "negative_sentiment") m.handoff_negative->Inc();
  else if (reason == "repeated") m.handoff_repeated->Inc();
  else m.handoff_low_confidence->Inc();
}

std::string ResolvedNotice(const std::string& lang) {
  return lang == "zh" ? "本次会话已结束。如还有问题，直接发送消息即可继续咨询。"
                      : "This conversation has been resolved. Send a message any time if you need more help.";
}

}  // namespace

ConversationService::ConversationService(store::Store* store, const bot::Bot* bot, EventSink* sink,
                                         ServiceOptions options)
    : store_(store), bot_(bot), sink_(sink), options_(options), shards_(new Shard[kStateShards]) {
  Metrics::Get();
}

ConversationService::~ConversationService() = default;

Status ConversationService::ValidateContent(std::string& content) const {
  if (!IsValidUtf8(content)) return InvalidArgument("content is not valid UTF-8");
  content = StripControl(TrimWhitespace(content));
  if (content.empty()) return InvalidArgument("content must not be empty");
  if (Utf8Length(content) > options_.max_content_chars)
    return InvalidArgument("content is longer than " + std::to_string(options_.max_content_chars) + " characters");
  return Status::Ok();
}

Result<StartResult> ConversationService::StartWidgetConversation(const std::string& inbox_token,
                                                                 const ContactInput& in) {
  if (in.external_id.size() > 200 || in.name.size() > 200 || in.email.size() > 320 || in.identifier_hash.size() > 128)
    return InvalidArgument("contact field too long");
  for (const auto* f : {&in.external_id, &in.name, &in.email})
    if (!IsValidUtf8(*f)) return InvalidArgument("contact fields must be valid UTF-8");
  if (!in.email.empty() && in.email.find('@') == std::string::npos)
    return InvalidArgument("contact.email is not an email address");

  domain::Inbox inbox;
  LINGXI_RETURN_IF_ERROR(store_->Read([&](store::ReadTx& tx) -> Status {
    LINGXI_ASSIGN_OR_RETURN(inbox, tx.FindInboxByWidgetToken(inbox_token));
    return Status::Ok();
  }));
  // A page may claim to be any customer; only the business's back-end, which holds the inbox's
  // secret, can vouch for one. Without this, anyone could open a chat as "cust-1001" and have
  // the bot's tools read that customer's orders.
  if (!in.external_id.empty()) {
    if (in.identifier_hash.empty())
      return Unauthenticated("contact.external_id needs contact.identifier_hash: the hex HMAC-SHA256 of the "
                             "external_id under the inbox's identity secret, computed by your server");
    std::string hash = in.identifier_hash;
    for (char& ch : hash) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (inbox.identity_secret.empty() ||
        !ConstantTimeEquals(hash, HmacSha256Hex(inbox.identity_secret, in.external_id)))
      return Unauthenticated("contact.identifier_hash does not match contact.external_id");
  }

  StartResult out;
  const int64_t now = NowMillis();
  LINGXI_RETURN_IF_ERROR(store_->WriteSync([&](store::WriteTx& tx) -> Status {
    std::string external_id = in.external_id.empty() ? std::string(kAnonymousIdPrefix) + RandomToken(12) : in.external_id;
    auto found = tx.FindContactByIdentity(inbox.account_id, "webchat", external_id);
    if (found.ok()) {
      out.contact = *found;
      bool changed = false;
      if (out.contact.name.empty() && !in.name.empty()) out.contact.name = in.name, changed = true;
      if (out.contact.email.empty() && !in.email.empty()) out.contact.email = in.email, changed = true;
      if (changed) LINGXI_RETURN_IF_ERROR(tx.UpdateContact(out.contact));
    } else if (found.status().code() == StatusCode::kNotFound) {
      out.contact = domain::Contact{0, inbox.account_id, in.name, in.email, now};
      LINGXI_ASSIGN_OR_RETURN(out.contact.id, tx.InsertContact(out.contact));
      domain::Identity ident{0, inbox.account_id, out.contact.id, "webchat", external_id, now};
      LINGXI_RETURN_IF_ERROR(tx.InsertIdentity(ident).status());
    } else {
      return found.status();
    }
    domain::Conversation c;
    c.account_id = inbox.account_id;
    c.inbox_id = inbox.id;
    c.contact_id = out.contact.id;
    c.status = ConversationStatus::kBot;
    c.created_at = c.updated_at = c.last_message_at = now;
    LINGXI_ASSIGN_OR_RETURN(c.id, tx.InsertConversation(c));
    out.conversation = c;
    return Status::Ok();
  }));
  if (sink_) {
    Event e{Event::Kind::kConversation, out.conversation.account_id, out.conversation.id, nullptr,
            std::make_shared<const domain::Conversation>(out.conversation)};
    sink_->Publish(e);
  }
  return out;
}

void ConversationService::Publish(const TurnResult& turn, bool status_changed) {
  if (!sink_) return;
  const Id account = turn.conversation.account_id, conv = turn.conversation.id;
  if (turn.message.id != 0) {
    sink_->Publish({Event::Kind::kMessage, account, conv, std::make_shared<const Message>(turn.message), nullptr,
                    turn.client_ref});
  }
  for (const auto& r : turn.replies)
    sink_->Publish({Event::Kind::kMessage, account, conv, std::make_shared<const Message>(r), nullptr});
  if (status_changed) {
    sink_->Publish({Event::Kind::kConversation, account, conv, nullptr,
                    std::make_shared<const domain::Conversation>(turn.conversation)});
  }
}

void ConversationService::Commit(std::shared_ptr<State> st, Id conversation_id, std::shared_ptr<TurnResult> turn,
                                 bool status_changed, bool insert_incoming, TurnCallback done, std::string trace) {
  const int64_t started = MonotonicMicros();
  store_->Write(
      [turn, status_changed, insert_incoming, trace = std::move(trace)](store::WriteTx& tx) -> Status {
        // One conversation-row update per turn, whatever the number of messages.
        std::vector<Message> batch;
        batch.reserve(turn->replies.size() + 1);
        if (insert_incoming) batch.push_back(std::move(turn->message));
        for (auto& r : turn->replies) batch.push_back(std::move(r));
        Status s = tx.SaveTurn(turn->conversation, status_changed, batch);
        size_t i = 0;
        if (insert_incoming) turn->message = std::move(batch[i++]);
        for (auto& r : turn->replies) r = std::move(batch[i++]);
        if (s.ok() && !trace.empty() && !turn->replies.empty()) {
          const Message& answer = turn->replies.back();
          s = tx.InsertBotTrace(answer.account_id, answer.conversation_id, answer.id, trace);
        }
        return s;
      },
      [this, st, conversation_id, turn, status_changed, started, done = std::move(done)](Status s) mutable {
        if (options_.dispatch) {
          options_.dispatch([this, st, conversation_id, turn, status_changed, started, done = std::move(done), s]() {
            Complete(st, conversation_id, turn, status_changed, started, done, s);
          });
        } else {
          Complete(st, conversation_id, turn, status_changed, started, done, s);
        }
      });
}

void ConversationService::Complete(const std::shared_ptr<State>& st, Id conversation_id,
                                   const std::shared_ptr<TurnResult>& turn, bool status_changed, int64_t started,
                                   const TurnCallback& done, const Status& s) {
  if (!s.ok()) {
    LOG_WARN("conversation {}: turn not stored: {}", conversation_id, s.ToString());
    {
      // The cached state ran ahead of the database; reload it on next use.
      std::lock_guard lock(st->mu);
      st->loaded = false;
    }
    if (done) done(s);
    return;
  }
  Metrics::Get().turn_latency->ObserveMicros(MonotonicMicros() - started);
  Publish(*turn, status_changed);
  // A move to the queue always comes with the bot's message saying so; a summary replaced later
  // (ReplaceHandoffSummary) comes without one and is not a new handoff.
  if (status_changed && !turn->replies.empty() && turn->conversation.status == ConversationStatus::kQueued &&
      options_.on_handoff) {
    options_.on_handoff(turn->conversation);
  }
  if (done) done(*turn);
}

Status ConversationService::Preload(Id account_id, Id conversation_id, Id contact_id) {
  std::unique_lock<std::mutex> lock;
  auto locked = AcquireLoaded(account_id, conversation_id, &lock);
  if (!locked.ok()) return locked.status();
  std::shared_ptr<State> st = *locked;
  if (st->conv.contact_id != contact_id) return PermissionDenied("this conversation belongs to another contact");
  lock.unlock();
  if (!bot_->Ready(account_id)) (void)bot_->Decide(account_id, bot::TurnInput{"hi", {}, {}, ""});
  return Status::Ok();
}

bool ConversationService::TryPostCustomerMessage(Id account_id, Id conversation_id, Id contact_id,
                                                 std::string& content, TurnCallback& done,
                                                 const std::string& client_ref) {
  std::shared_ptr<State> st = Peek(conversation_id);
  if (!st) return false;
  std::unique_lock lock(st->mu, std::try_to_lock);
  if (!lock.owns_lock() || !st->loaded || st->conv.account_id != account_id) return false;
  if (st->conv.status == ConversationStatus::kBot && !bot_->Ready(account_id)) return false;
  if (Status s = ValidateContent(content); !s.ok()) {
    lock.unlock();
    done(s);
    return true;
  }
  CustomerTurnLocked(*st, st, account_id, conversation_id, contact_id, std::move(content), client_ref,
                     std::move(done));
  return true;
}

void ConversationService::PostCustomerMessage(Id account_id, Id conversation_id, Id contact_id, std::string content,
                                              TurnCallback done, std::string client_ref) {
  if (Status s = ValidateContent(content); !s.ok()) return done(s);
  std::unique_lock<std::mutex> lock;
  auto locked = AcquireLoaded(account_id, conversation_id, &lock);
  if (!locked.ok()) return done(locked.status());
  std::shared_ptr<State> st = *locked;
  CustomerTurnLocked(*st, st, account_id, conversation_id, contact_id, std::move(content), std::move(client_ref),
                     std::move(done));
}

bool ConversationService::ApplyDecision(State& st, const bot::Decision& d, const std::string& customer_text) {
  auto& m = Metrics::Get();
  st.language = d.language;
  m.bot_messages->Inc();
  if (d.action == bot::Action::kAnswer) {
    m.answers->Inc();
    if (!d.sources.empty()) {
      st.last_topic_query = customer_text;
      st.last_sources.clear();
      for (const auto& s : d.sources) st.last_sources.push_back(s.id);
    }
    return false;
  }
  if (d.action == bot::Action::kSmallTalk) {
    m.small_talk->Inc();
    return false;
  }
  CountHandoff(d.handoff_reason);
  st.conv.status = ConversationStatus::kQueued;
  st.conv.handoff_reason = d.handoff_reason;
  st.conv.handoff_summary = d.summary;
  st.conv.bot_state.clear();
  return true;
}

bool ConversationService::AddEmbeddedReplyLocked(State& st, const bot::Decision& d, const std::string& customer_text,
                                                 int64_t now, TurnResult& turn) {
  bool changed = false;
  if (!st.conv.bot_state.empty()) {
    st.conv.bot_state.clear();  // e.g. a request for a person ends a running playbook
    changed = true;
  }
  turn.replies.push_back(
      Message{0, st.conv.account_id, st.conv.id, SenderType::kBot, 0, d.reply, d.MetaJson(), now});
  return ApplyDecision(st, d, customer_text) || changed;
}

void ConversationService::RememberCustomerLocked(State& st, std::string content, int64_t now, std::string normalized) {
  st.PushTranscript("user", content);
  st.recent_customer_norm.push_back(normalized.empty() ? bot_->normalizer().Normalize(content) : std::move(normalized));
  st.recent_customer.push_back(std::move(content));
  if (st.recent_customer.size() > kRecentCustomerMessages) {
    st.recent_customer.erase(st.recent_customer.begin());
    st.recent_customer_norm.erase(st.recent_customer_norm.begin());
  }
  st.conv.updated_at = st.conv.last_message_at = now;
  st.conv.last_message_preview = std::string(Utf8Prefix(st.recent_customer.back(), 120));
}

// REQUIRES: st.mu held, st loaded for account_id, content validated.
void ConversationService::CustomerTurnLocked(State& stref, const std::shared_ptr<State>& st_ptr, Id account_id,
                                             Id conversation_id, Id contact_id, std::string content,
                                             std::string client_ref, TurnCallback done) {
  State* st = &stref;
  if (st->conv.contact_id != contact_id) return done(PermissionDenied("this conversation belongs to another contact"));

  const int64_t now = NowMillis();
  auto turn = std::make_shared<TurnResult>();
  turn->message = Message{0, account_id, conversation_id, SenderType::kContact, contact_id, content, "", now};
  turn->client_ref = std::move(client_ref);
  auto& m = Metrics::Get();
  m.contact_messages->Inc();
  bool status_changed = false;
  if (st->conv.status == ConversationStatus::kResolved) {
    st->conv.status = ConversationStatus::kBot;  // a new question reopens the conversation
    st->conv.assignee_id = 0;
    status_changed = true;
  }
  bot::Assistant* assistant = options_.assistant;
  std::string normalized;  // Normalize(content), when the bot computed it this turn
  if (st->conv.status == ConversationStatus::kBot && assistant && st->agent_busy) {
    // The bot is still working on the previous message: store this one now (the customer is
    // acknowledged), answer it when the running turn ends.
    st->queued.push_back(content);
  } else if (st->conv.status == ConversationStatus::kBot) {
    bot::TurnInput in;
    in.text = content;
    in.history.assign(st->recent_customer.begin(), st->recent_customer.end());
    in.history_normalized.assign(st->recent_customer_norm.begin(), st->recent_customer_norm.end());
    in.last_sources = st->last_sources;
    in.last_topic_query = st->last_topic_query;
    in.customer_known = !st->customer_external_id.empty();
    bot::TurnPlan plan;
    if (assistant) {
      plan = assistant->Prepare(account_id, in, st->conv.bot_state);
    } else {
      plan.embedded = bot_->Decide(account_id, in);
    }
    if (plan.async) {
      RememberCustomerLocked(*st, std::move(content), now, std::move(plan.embedded.normalized));
      turn->conversation = st->conv;
      return StartAgentTurnLocked(*st, st_ptr, account_id, conversation_id, std::move(plan), std::move(in), 1, turn,
                                  status_changed, std::move(done));
    }
    status_changed |= AddEmbeddedReplyLocked(*st, plan.embedded, content, now, *turn);
    normalized = std::move(plan.embedded.normalized);  // the bot's, reused for the history
  }
  RememberCustomerLocked(*st, std::move(content), now, std::move(normalized));
  if (!turn->replies.empty()) st->PushTranscript("assistant", turn->replies.back().content);
  st->conv.last_message_preview =
      std::string(Utf8Prefix(turn->replies.empty() ? turn->message.content : turn->replies.back().content, 120));
  turn->conversation = st->conv;
  // Enqueue while holding the conversation lock: commit order == turn order.
  Commit(st_ptr, conversation_id, turn, status_changed, true, std::move(done));
}

void ConversationService::RequestHuman(Id account_id, Id conversation_id, Id contact_id, TurnCallback done) {
  std::unique_lock<std::mutex> lock;
  auto locked = AcquireLoaded(account_id, conversation_id, &lock);
  if (!locked.ok()) return done(locked.status());
  std::shared_ptr<State> st = *locked;
  if (st->conv.contact_id != contact_id) return done(PermissionDenied("this conversation belongs to another contact"));
  auto turn = std::make_shared<TurnResult>();
  if (st->conv.status == ConversationStatus::kQueued || st->conv.status == ConversationStatus::kAssigned) {
    turn->conversation = st->conv;
    lock.unlock();
    return done(std::move(*turn));
  }
  const int64_t now = NowMillis();
  std::vector<std::string> said(st->recent_customer.begin(), st->recent_customer.end());
  st->conv.status = ConversationStatus::kQueued;
  st->conv.assignee_id = 0;
  st->conv.handoff_reason = "requested";
  st->conv.handoff_summary = bot::BuildHandoffSummary(st->language, "requested", said, {}, 0);
  st->conv.updated_at = now;
  bot::Decision d;
  d.action = bot::Action::kHandoff;
  d.handoff_reason = "requested";
  d.language = st->language;
  turn->replies.push_back(Message{0, account_id, conversation_id, SenderType::kBot, 0,
                                  bot::HandoffReplyText(st->language, "requested"), d.MetaJson(), now});
  CountHandoff("requested");
  Metrics::Get().bot_messages->Inc();
  st->conv.last_message_at = now;
  st->conv.last_message_preview = std::string(Utf8Prefix(turn->replies.back().content, 120));
  st->conv.bot_state.clear();
  turn->conversation = st->conv;
  Commit(st, conversation_id, turn, true, false, std::move(done));
  // A bot answer still being written is no longer wanted (its reply will be dropped).
  auto cancel = st->agent_cancel;
  lock.unlock();
  if (cancel) cancel->Cancel();
}

void ConversationService::PostAgentMessage(Id account_id, Id conversation_id, const domain::User& agent,
                                           std::string content, TurnCallback done, boost::json::object extra_meta) {
  if (Status s = ValidateContent(content); !s.ok()) return done(s);
  if (agent.account_id != account_id) return done(NotFound("conversation not found"));
  std::unique_lock<std::mutex> lock;
  auto locked = AcquireLoaded(account_id, conversation_id, &lock);
  if (!locked.ok()) return done(locked.status());
  std::shared_ptr<State> st = *locked;
  const int64_t now = NowMillis();
  bool status_changed = false;
  if (st->conv.status != ConversationStatus::kAssigned) {
    st->conv.status = ConversationStatus::kAssigned;
    st->conv.assignee_id = agent.id;
    status_changed = true;
  }
  boost::json::object meta = std::move(extra_meta);
  meta["agent_name"] = agent.name;
  auto turn = std::make_shared<TurnResult>();
  turn->message = Message{0, account_id, conversation_id, SenderType::kAgent, agent.id, content,
                          boost::json::serialize(meta), now};
  Metrics::Get().agent_messages->Inc();
  st->conv.updated_at = st->conv.last_message_at = now;
  st->conv.last_message_preview = std::string(Utf8Prefix(content, 120));
  turn->conversation = st->conv;
  Commit(st, conversation_id, turn, status_changed, true, std::move(done));
}

void ConversationService::Assign(Id account_id, Id conversation_id, Id assignee_id, ConversationCallback done) {
  std::unique_lock<std::mutex> lock;
  auto locked = AcquireLoaded(account_id, conversation_id, &lock);
  if (!locked.ok()) return done(locked.status());
  std::shared_ptr<State> st = *locked;
  domain::User assignee;
  Status rs = store_->Read([&](store::ReadTx& tx) -> Status {
    LINGXI_ASSIGN_OR_RETURN(assignee, tx.GetUser(account_id, assignee_id));
    return Status::Ok();
  });
  if (!rs.ok()) return done(rs.code() == StatusCode::kNotFound ? InvalidArgument("assignee is not a user of this account") : rs);
  if (!assignee.active) return done(FailedPrecondition("assignee is deactivated"));
  st->conv.status = ConversationStatus::kAssigned;
  st->conv.assignee_id = assignee_id;
  st->conv.updated_at = NowMillis();
  st->conv.bot_state.clear();
  auto turn = std::make_shared<TurnResult>();
  turn->conversation = st->conv;
  Commit(st, conversation_id, turn, true, false, [done](Result<TurnResult> r) {
    if (!r.ok()) return done(r.status());
    done(r->conversation);
  });
  auto cancel = st->agent_cancel;
  lock.unlock();
  if (cancel) cancel->Cancel();
}

void ConversationService::Resolve(Id account_id, Id conversation_id, ConversationCallback done) {
  std::unique_lock<std::mutex> lock;
  auto locked = AcquireLoaded(account_id, conversation_id, &lock);
  if (!locked.ok()) return done(locked.status());
  std::shared_ptr<State> st = *locked;
  const int64_t now = NowMillis();
  auto turn = std::make_shared<TurnResult>();
  bool was_resolved = st->conv.status == ConversationStatus::kResolved;
  st->conv.status = ConversationStatus::kResolved;
  st->conv.updated_at = now;
  if (!was_resolved) {
    turn->replies.push_back(
        Message{0, account_id, conversation_id, SenderType::kSystem, 0, ResolvedNotice(st->language), "", now});
    st->conv.last_message_at = now;
    st->conv.last_message_preview = std::string(Utf8Prefix(turn->replies.back().content, 120));
  }
  turn->conversation = st->conv;
  Commit(st, conversation_id, turn, !was_resolved, false, [done](Result<TurnResult> r) {
    if (!r.ok()) return done(r.status());
    done(r->conversation);
  });
}

void ConversationService::ReplaceHandoffSummary(Id account_id, Id conversation_id, const std::string& expected,
                                                std::string summary, ConversationCallback done) {
  std::unique_lock<std::mutex> lock;
  auto locked = AcquireLoaded(account_id, conversation_id, &lock);
  if (!locked.ok()) return done(locked.status());
  std::shared_ptr<State> st = *locked;
  const auto status = st->conv.status;
  if ((status != ConversationStatus::kQueued && status != ConversationStatus::kAssigned) ||
      st->conv.handoff_summary != expected) {
    return done(FailedPrecondition("the conversation moved on since its handoff"));
  }
  st->conv.handoff_summary = std::move(summary);
  auto turn = std::make_shared<TurnResult>();
  turn->conversation = st->conv;
  // status_changed = true: the conversation row is written and published; no message, so
  // on_handoff does not fire again (see Complete).
  Commit(st, conversation_id, turn, true, false, [done](Result<TurnResult> r) {
    if (!r.ok()) return done(r.status());
    done(r->conversation);
  });
}

}  // namespace lingxi::conversations
