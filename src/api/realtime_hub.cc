#include "api/realtime_hub.h"

#include <boost/json.hpp>

#include "api/json_views.h"

namespace lingxi::api {

namespace json = boost::json;

RealtimeHub::RealtimeHub() : conv_shards_(new Shard[kShards]) {}

void RealtimeHub::Add(Shard& s, domain::Id key, const std::shared_ptr<server::WsConnection>& c) {
  std::lock_guard lock(s.mu);
  auto& subs = s.map[key];
  // Drop dead entries opportunistically.
  std::erase_if(subs, [](const auto& w) { return w.expired(); });
  subs.push_back(c);
}

void RealtimeHub::Remove(Shard& s, domain::Id key, const server::WsConnection* c) {
  std::lock_guard lock(s.mu);
  auto it = s.map.find(key);
  if (it == s.map.end()) return;
  std::erase_if(it->second, [c](const auto& w) {
    auto p = w.lock();
    return !p || p.get() == c;
  });
  if (it->second.empty()) s.map.erase(it);
}

void RealtimeHub::Send(Shard& s, domain::Id key, const std::shared_ptr<const std::string>& payload) {
  std::vector<std::shared_ptr<server::WsConnection>> targets;
  {
    std::lock_guard lock(s.mu);
    auto it = s.map.find(key);
    if (it == s.map.end()) return;
    for (const auto& w : it->second)
      if (auto p = w.lock()) targets.push_back(std::move(p));
  }
  for (auto& t : targets) t->Send(payload);
}

bool RealtimeHub::HasSubscribers(Shard& s, domain::Id key) {
  std::lock_guard lock(s.mu);
  return s.map.find(key) != s.map.end();
}

void RealtimeHub::SubscribeConversation(domain::Id id, const std::shared_ptr<server::WsConnection>& c) {
  Add(ConvShard(id), id, c);
}
void RealtimeHub::UnsubscribeConversation(domain::Id id, const server::WsConnection* c) { Remove(ConvShard(id), id, c); }
void RealtimeHub::SubscribeAccount(domain::Id id, const std::shared_ptr<server::WsConnection>& c) { Add(accounts_, id, c); }
void RealtimeHub::UnsubscribeAccount(domain::Id id, const server::WsConnection* c) { Remove(accounts_, id, c); }

void RealtimeHub::SendToConversation(domain::Id id, std::shared_ptr<const std::string> payload) {
  Send(ConvShard(id), id, payload);
}
void RealtimeHub::SendToAccount(domain::Id id, std::shared_ptr<const std::string> payload) {
  Send(accounts_, id, payload);
}

void RealtimeHub::Publish(const conversations::Event& e) {
  using Kind = conversations::Event::Kind;
  // Serialise only for audiences that exist: most turns have a customer socket and no agent
  // watching the account.
  const bool to_customer = HasSubscribers(ConvShard(e.conversation_id), e.conversation_id);
  const bool to_agents = HasSubscribers(accounts_, e.account_id);
  if (!to_customer && !to_agents) return;
  if (e.kind == Kind::kDelta) {
    // The bot's answer as it is written; the stored message follows.
    json::object d{{"type", "delta"}, {"conversation_id", e.conversation_id}, {"text", e.delta}};
    auto payload = std::make_shared<const std::string>(json::serialize(d));
    if (to_customer) Send(ConvShard(e.conversation_id), e.conversation_id, payload);
    if (to_agents) Send(accounts_, e.account_id, payload);
    return;
  }
  if (e.kind == Kind::kMessage && e.message) {
    const std::string msg = MessageJsonText(*e.message);
    if (to_customer) {
      // The echo of the customer's own message carries their client_id: it is the ack.
      std::string customer = "{\"type\":\"message\",\"message\":" + msg;
      if (!e.client_ref.empty()) (customer += ",\"client_id\":") += e.client_ref;
      customer += '}';
      Send(ConvShard(e.conversation_id), e.conversation_id, std::make_shared<const std::string>(std::move(customer)));
    }
    if (to_agents) {
      std::string agent = "{\"type\":\"message\",\"conversation_id\":" + std::to_string(e.conversation_id) +
                          ",\"message\":" + msg + "}";
      Send(accounts_, e.account_id, std::make_shared<const std::string>(std::move(agent)));
    }
  } else if (e.kind == Kind::kConversation && e.conversation) {
    if (to_customer) {
      json::object customer;
      customer["type"] = "status";
      customer["conversation_id"] = e.conversation_id;
      customer["status"] = domain::ConversationStatusName(e.conversation->status);
      Send(ConvShard(e.conversation_id), e.conversation_id,
           std::make_shared<const std::string>(json::serialize(customer)));
    }
    if (to_agents) {
      json::object agent;
      agent["type"] = "conversation";
      agent["conversation"] = ConversationJson(*e.conversation);
      Send(accounts_, e.account_id, std::make_shared<const std::string>(json::serialize(agent)));
    }
  }
}

void RealtimeHub::CloseAll() {
  std::vector<std::shared_ptr<server::WsConnection>> all;
  auto collect = [&all](Shard& s) {
    std::lock_guard lock(s.mu);
    for (auto& [k, subs] : s.map)
      for (auto& w : subs)
        if (auto p = w.lock()) all.push_back(std::move(p));
  };
  for (size_t i = 0; i < kShards; ++i) collect(conv_shards_[i]);
  collect(accounts_);
  for (auto& c : all) c->Close();
}

}  // namespace lingxi::api
