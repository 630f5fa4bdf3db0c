// What api/ sees of a WebSocket connection, and how it says what to do with one.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace lingxi::server {

// One accepted WebSocket. Thread-safe: Send/Close may be called from any thread.
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  // Queues a text frame. A client that falls too far behind is disconnected.
  virtual void Send(std::shared_ptr<const std::string> text) = 0;
  // Sends a close frame (normal closure) and ends the session.
  virtual void Close() = 0;
  // Opaque per-connection value set by the binding (e.g. the authenticated principal).
  std::shared_ptr<void> user_data;
};

// Callbacks for an accepted WebSocket; all run on the connection's strand (I/O thread):
// they must not block.
struct WsBinding {
  std::function<void(const std::shared_ptr<WsConnection>&)> on_open;
  std::function<void(const std::shared_ptr<WsConnection>&, std::string text)> on_message;
  std::function<void(const std::shared_ptr<WsConnection>&)> on_close;
};

}  // namespace lingxi::server
