// The REST + WebSocket API: registers every route on a server::Router. Handlers are
// coroutines that validate input, push blocking work (store, password hashing) to the
// worker pool and await conversation-pipeline callbacks. See docs/api.md.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <variant>

#include "api/realtime_hub.h"
#include "api/widget_tokens.h"
#include "bot/bot.h"
#include "conversations/conversation_service.h"
#include "kb/knowledge_base.h"
#include "server/router.h"
#include "store/store.h"

namespace lingxi::api {

struct ApiContext {
  store::Store* store = nullptr;
  conversations::ConversationService* conversations = nullptr;
  const bot::Bot* bot = nullptr;
  kb::KnowledgeBase* knowledge = nullptr;
  RealtimeHub* hub = nullptr;
  const WidgetTokens* widget_tokens = nullptr;
  boost::asio::thread_pool* workers = nullptr;
  int64_t widget_token_ttl_ms = 180LL * 24 * 3600 * 1000;
  int64_t session_ttl_ms = 7LL * 24 * 3600 * 1000;
  std::atomic<bool>* ready = nullptr;
};

void RegisterRoutes(server::Router& router, ApiContext* ctx);

// Route groups (one file each).
void RegisterSystemRoutes(server::Router& router, ApiContext* ctx);
void RegisterWidgetRoutes(server::Router& router, ApiContext* ctx);
void RegisterAgentRoutes(server::Router& router, ApiContext* ctx);
void RegisterKbRoutes(server::Router& router, ApiContext* ctx);

// Authenticates the agent/admin behind the request's bearer token (a blocking store read
// on the worker pool). Returns the user, or the 401 response to send.
boost::asio::awaitable<std::variant<domain::User, server::HttpResponse>> AuthenticateUser(ApiContext* ctx,
                                                                                         server::HttpRequest req);

}  // namespace lingxi::api
