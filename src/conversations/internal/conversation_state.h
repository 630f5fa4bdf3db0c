// Per-conversation state cached by ConversationService (internal to conversations/).
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "conversations/conversation_service.h"

namespace lingxi::conversations {

constexpr size_t kStateShards = 16;  // shards of the state map (mutex contention)
constexpr size_t kRecentCustomerMessages = 5;

struct ConversationService::State {
  std::mutex mu;
  bool loaded = false;
  domain::Conversation conv;
  std::deque<std::string> recent_customer;
  std::deque<std::string> recent_customer_norm;  // Normalize() of recent_customer, computed once
  std::vector<Id> last_sources;
  std::string last_topic_query;
  std::string language = "zh";
};

struct ConversationService::Shard {
  mutable std::mutex mu;
  std::unordered_map<Id, std::shared_ptr<State>> states;
};

}  // namespace lingxi::conversations
