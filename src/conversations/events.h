// Events the conversation pipeline emits after a change is committed. Subscribers
// (the WebSocket hub) implement EventSink. Publish() is called on the store's writer
// thread in commit order (kDelta: from the AI agent as text streams in): implementations must be
// thread-safe and must not block.
#pragma once

#include <memory>
#include <string>

#include "domain/types.h"

namespace lingxi::conversations {

struct Event {
  enum class Kind { kMessage, kConversation, kDelta };
  Kind kind = Kind::kMessage;
  domain::Id account_id = 0;
  domain::Id conversation_id = 0;
  std::shared_ptr<const domain::Message> message;            // kMessage
  std::shared_ptr<const domain::Conversation> conversation;  // kConversation: created or changed
  // kMessage of a customer message: the JSON text of the `client_id` the sender gave it (e.g.
  // "\"c-17\"" or "17"), echoed to the customer's sockets so the echo doubles as the ack. Or empty.
  std::string client_ref;
  // kDelta: a piece of the bot answer being written (streamed; not stored). The complete answer
  // follows as a kMessage once committed.
  std::string delta;
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Publish(const Event& event) = 0;
};

}  // namespace lingxi::conversations
