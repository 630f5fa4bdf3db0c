// Per-conversation state cached by ConversationService (internal to conversations/).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "conversations/conversation_service.h"

namespace lingxi::conversations {

constexpr size_t kStateShards = 16;  // shards of the state map (mutex contention)
constexpr size_t kRecentCustomerMessages = 5;

// Anonymous widget visitors get a random webchat identity with this prefix; it names nobody in
// the business's systems.
constexpr std::string_view kAnonymousIdPrefix = "anon:";
inline bool IsAnonymousExternalId(std::string_view id) { return id.substr(0, kAnonymousIdPrefix.size()) == kAnonymousIdPrefix; }

struct ConversationService::State {
  std::mutex mu;
  bool loaded = false;
  domain::Conversation conv;
  // Bounded (a few entries) and held for every cached conversation, idle ones included: vectors,
  // because an empty std::deque already allocates ~600 bytes.
  std::vector<std::string> recent_customer;
  std::vector<std::string> recent_customer_norm;  // Normalize() of recent_customer, computed once
  std::vector<Id> last_sources;
  std::string last_topic_query;
  std::string language = "zh";
  // For the AI agent (bot::Assistant): the customer's external id (tools act for this customer
  // only), the last few messages as {"user"|"assistant", text}, and the turn in flight.
  std::string customer_external_id;
  std::vector<std::pair<std::string, std::string>> transcript;
  bool agent_busy = false;                       // an asynchronous bot turn is running
  std::vector<std::string> queued;               // customer messages that arrived meanwhile
  std::shared_ptr<bot::AgentCancel> agent_cancel;

  // Appends to the transcript, keeping the last few messages.
  void PushTranscript(const char* role, std::string text) {
    transcript.emplace_back(role, std::move(text));
    if (transcript.size() > 8) transcript.erase(transcript.begin(), transcript.end() - 8);
  }
};

struct ConversationService::Shard {
  mutable std::mutex mu;
  std::unordered_map<Id, std::shared_ptr<State>> states;
};

}  // namespace lingxi::conversations
