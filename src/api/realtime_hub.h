// RealtimeHub: fans out committed conversation events to WebSocket subscribers.
//
// Customers subscribe to their conversation; agents to their account. Each event is
// serialised once and the same immutable payload is shared by every recipient. The hub
// holds weak references: a closed socket simply drops out. Thread-safe; Publish() is
// called on the store's writer thread and only does map lookups and queue pushes.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "conversations/events.h"
#include "server/websocket.h"

namespace lingxi::api {

class RealtimeHub : public conversations::EventSink {
 public:
  RealtimeHub();
  void SubscribeConversation(domain::Id conversation_id, const std::shared_ptr<server::WsConnection>& c);
  void UnsubscribeConversation(domain::Id conversation_id, const server::WsConnection* c);
  void SubscribeAccount(domain::Id account_id, const std::shared_ptr<server::WsConnection>& c);
  void UnsubscribeAccount(domain::Id account_id, const server::WsConnection* c);
  void Publish(const conversations::Event& event) override;
  // True while some customer socket of the conversation is open.
  bool HasConversationSubscribers(domain::Id conversation_id) { return HasSubscribers(ConvShard(conversation_id), conversation_id); }
  // Ephemeral frames that are not stored (typing indicators): to a conversation's customer
  // sockets, or to every agent socket of an account.
  void SendToConversation(domain::Id conversation_id, std::shared_ptr<const std::string> payload);
  void SendToAccount(domain::Id account_id, std::shared_ptr<const std::string> payload);
  // Closes every subscribed socket (shutdown).
  void CloseAll();

 private:
  using Subscribers = std::vector<std::weak_ptr<server::WsConnection>>;
  struct Shard {
    std::mutex mu;
    std::unordered_map<domain::Id, Subscribers> map;
  };
  static void Add(Shard& s, domain::Id key, const std::shared_ptr<server::WsConnection>& c);
  static void Remove(Shard& s, domain::Id key, const server::WsConnection* c);
  static void Send(Shard& s, domain::Id key, const std::shared_ptr<const std::string>& payload);
  static bool HasSubscribers(Shard& s, domain::Id key);
  Shard& ConvShard(domain::Id id) { return conv_shards_[static_cast<size_t>(id) % kShards]; }

  static constexpr size_t kShards = 32;
  std::unique_ptr<Shard[]> conv_shards_;
  Shard accounts_;
};

}  // namespace lingxi::api
