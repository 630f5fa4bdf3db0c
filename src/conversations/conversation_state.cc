// The conversation state cache of ConversationService: sharded map, load from the store
// (status, recent customer messages, the last answered topic), eviction.
#include <boost/json.hpp>

#include "conversations/conversation_service.h"
#include "conversations/internal/conversation_state.h"
#include "core/log.h"

namespace lingxi::conversations {

using domain::Message;
using domain::SenderType;

size_t ConversationService::cached_conversations() const {
  size_t n = 0;
  for (size_t i = 0; i < kStateShards; ++i) {
    std::lock_guard lock(shards_[i].mu);
    n += shards_[i].states.size();
  }
  return n;
}

Status ConversationService::Load(State& st, Id account_id, Id conversation_id) {
  std::vector<Message> recent;
  LINGXI_RETURN_IF_ERROR(store_->Read([&](store::ReadTx& tx) -> Status {
    LINGXI_ASSIGN_OR_RETURN(st.conv, tx.GetConversation(account_id, conversation_id));
    LINGXI_ASSIGN_OR_RETURN(recent, tx.RecentMessages(account_id, conversation_id, 20));
    LINGXI_ASSIGN_OR_RETURN(auto identities, tx.ListIdentities(account_id, st.conv.contact_id));
    // The business's own id of the customer: the verified webchat id (anonymous visitors have
    // none; ids of other channels, e.g. a Telegram user id, are not the business's).
    st.customer_external_id.clear();
    for (const auto& i : identities) {
      if (i.channel == "webchat" && !IsAnonymousExternalId(i.external_id)) {
        st.customer_external_id = i.external_id;
        break;
      }
    }
    return Status::Ok();
  }));
  st.transcript.clear();
  st.recent_customer.clear();
  st.recent_customer_norm.clear();
  st.last_sources.clear();
  st.last_topic_query.clear();
  std::string last_customer;
  for (const auto& m : recent) {
    if (m.sender_type == SenderType::kContact) st.PushTranscript("user", m.content);
    else if (m.sender_type == SenderType::kBot || m.sender_type == SenderType::kAgent) st.PushTranscript("assistant", m.content);
    if (m.sender_type == SenderType::kContact) {
      last_customer = m.content;
      st.recent_customer.push_back(m.content);
      st.recent_customer_norm.push_back(bot_->normalizer().Normalize(m.content));
      if (st.recent_customer.size() > kRecentCustomerMessages) {
        st.recent_customer.erase(st.recent_customer.begin());
        st.recent_customer_norm.erase(st.recent_customer_norm.begin());
      }
    } else if (m.sender_type == SenderType::kBot && !m.meta_json.empty()) {
      boost::system::error_code ec;
      auto v = boost::json::parse(m.meta_json, ec);
      if (ec || !v.is_object()) continue;
      const auto& o = v.as_object();
      if (auto* l = o.if_contains("language"); l && l->is_string()) st.language = std::string(l->as_string());
      auto* action = o.if_contains("action");
      if (action && action->is_string() && action->as_string() == "answer") {
        st.last_topic_query = last_customer;
        st.last_sources.clear();
        if (auto* src = o.if_contains("sources"); src && src->is_array())
          for (const auto& s : src->as_array())
            if (s.is_object() && s.as_object().contains("id") && s.as_object().at("id").is_int64())
              st.last_sources.push_back(s.as_object().at("id").as_int64());
      }
    }
  }
  st.loaded = true;
  return Status::Ok();
}

Result<std::shared_ptr<ConversationService::State>> ConversationService::Acquire(Id conversation_id) {
  Shard& shard = shards_[static_cast<size_t>(conversation_id) % kStateShards];
  std::shared_ptr<State> st;
  {
    std::lock_guard lock(shard.mu);
    auto& slot = shard.states[conversation_id];
    if (!slot) {
      if (shard.states.size() > options_.max_cached_conversations / kStateShards) {
        // Evict idle entries (nobody holds them); they reload from the store on next use.
        for (auto it = shard.states.begin(); it != shard.states.end();) {
          if (it->second && it->second.use_count() == 1 && it->first != conversation_id) it = shard.states.erase(it);
          else ++it;
        }
      }
      slot = std::make_shared<State>();
    }
    st = slot;
  }
  return st;
}

Result<std::shared_ptr<ConversationService::State>> ConversationService::AcquireLoaded(
    Id account_id, Id conversation_id, std::unique_lock<std::mutex>* lock) {
  LINGXI_ASSIGN_OR_RETURN(std::shared_ptr<State> st, Acquire(conversation_id));
  std::unique_lock held(st->mu);
  if (!st->loaded || st->conv.account_id != account_id) {
    if (Status s = Load(*st, account_id, conversation_id); !s.ok()) {
      held.unlock();
      if (s.code() == StatusCode::kNotFound) Forget(conversation_id);
      return s;
    }
  }
  *lock = std::move(held);
  return st;
}

void ConversationService::Forget(Id conversation_id) {
  Shard& shard = shards_[static_cast<size_t>(conversation_id) % kStateShards];
  std::lock_guard lock(shard.mu);
  shard.states.erase(conversation_id);
}

std::shared_ptr<ConversationService::State> ConversationService::Peek(Id conversation_id) const {
  Shard& shard = shards_[static_cast<size_t>(conversation_id) % kStateShards];
  std::lock_guard lock(shard.mu);
  auto it = shard.states.find(conversation_id);
  return it == shard.states.end() ? nullptr : it->second;
}

}  // namespace lingxi::conversations
