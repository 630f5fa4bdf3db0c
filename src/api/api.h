// The REST + WebSocket API: registers every route on a server::Router. Handlers are
// coroutines that validate input, push blocking work (store, password hashing) to the
// worker pool and await conversation-pipeline callbacks. See docs/api.md.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <boost/json/object.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <variant>

#include "api/realtime_hub.h"
#include "api/widget_tokens.h"
#include "bot/assist.h"
#include "bot/assistant.h"
#include "bot/bot.h"
#include "bot/translate.h"
#include "conversations/conversation_service.h"
#include "kb/knowledge_base.h"
#include "server/blocking.h"
#include "server/router.h"
#include "store/store.h"

namespace lingxi::api {

class AutomationAdmin;

struct ApiContext {
  store::Store* store = nullptr;
  conversations::ConversationService* conversations = nullptr;
  const bot::Bot* bot = nullptr;
  const bot::AgentAssist* assist = nullptr;  // agent assist; null: the endpoint answers 503
  bot::Translator* translator = nullptr;     // real-time translation; null or no LLM: 503
  const bot::Assistant* assistant = nullptr;  // the AI agent (its per-account tools and playbooks)
  AutomationAdmin* automation = nullptr;  // null: the automation write endpoints answer 503
  kb::KnowledgeBase* knowledge = nullptr;
  RealtimeHub* hub = nullptr;
  const WidgetTokens* widget_tokens = nullptr;
  boost::asio::thread_pool* workers = nullptr;
  int64_t widget_token_ttl_ms = 180LL * 24 * 3600 * 1000;
  int64_t session_ttl_ms = 7LL * 24 * 3600 * 1000;
  std::atomic<bool>* ready = nullptr;
};

// Per-account tools and playbooks, kept as files (implemented in app/). Every method blocks (file
// I/O, router training): call on a worker. A change that does not load leaves the previous set
// serving and the files as they were.
class AutomationAdmin {
 public:
  virtual ~AutomationAdmin() = default;
  // Re-reads the account's files and swaps the new set in. NotFound without a directory.
  virtual Result<std::shared_ptr<const bot::Automation>> Reload(domain::Id account_id) = 0;
  // Validates `playbook` against the account's tools, stores it as playbooks/<id>.json, reloads.
  // FailedPrecondition when no automation directory is configured.
  virtual Result<std::shared_ptr<const bot::Automation>> PutPlaybook(domain::Id account_id, const std::string& id,
                                                                     boost::json::object playbook) = 0;
  // Removes playbooks/<id>.json and reloads. NotFound if there is no such playbook file.
  virtual Result<std::shared_ptr<const bot::Automation>> DeletePlaybook(domain::Id account_id, const std::string& id) = 0;
  // Adds or replaces the tool `name` (a definition as in docs/flows.md) in tools.json, validated
  // with the account's allowlist and secrets, then reloads (playbooks are checked against it).
  virtual Result<std::shared_ptr<const bot::Automation>> PutTool(domain::Id account_id, const std::string& name,
                                                                 boost::json::object tool) = 0;
  // Removes a tool. NotFound if absent; FailedPrecondition while a playbook uses it.
  virtual Result<std::shared_ptr<const bot::Automation>> DeleteTool(domain::Id account_id, const std::string& name) = 0;
  // Replaces the account's host allowlist (entries as in docs/flows.md); every tool must still fit.
  virtual Result<std::shared_ptr<const bot::Automation>> PutAllowlist(domain::Id account_id,
                                                                      boost::json::array allowlist) = 0;
  // Sets or removes a secret that tools' headers reference as ${secret:NAME}. Kept in the
  // account's secrets.json (mode 0600); values are never returned. Deleting one still referenced
  // is FailedPrecondition; deleting an unknown one NotFound.
  virtual Result<std::shared_ptr<const bot::Automation>> PutSecret(domain::Id account_id, const std::string& name,
                                                                   std::string value) = 0;
  virtual Result<std::shared_ptr<const bot::Automation>> DeleteSecret(domain::Id account_id, const std::string& name) = 0;
  // The stored definition of one tool (`tool`) or playbook, as written (secret references, never
  // values), for editing. NotFound if there is none.
  virtual Result<boost::json::value> Definition(domain::Id account_id, bool tool, const std::string& id) = 0;
};

void RegisterRoutes(server::Router& router, ApiContext* ctx);

// Route groups (one file each).
void RegisterSystemRoutes(server::Router& router, ApiContext* ctx);
void RegisterWidgetRoutes(server::Router& router, ApiContext* ctx);
void RegisterAgentRoutes(server::Router& router, ApiContext* ctx);
void RegisterKbRoutes(server::Router& router, ApiContext* ctx);
void RegisterFeedbackRoutes(server::Router& router, ApiContext* ctx);
void RegisterUserRoutes(server::Router& router, ApiContext* ctx);
void RegisterCannedRoutes(server::Router& router, ApiContext* ctx);
void RegisterBotRoutes(server::Router& router, ApiContext* ctx);
void RegisterAssistRoutes(server::Router& router, ApiContext* ctx);  // assist + translation

// Verifies the customer's conversation token (bearer or ?token=) and, when the route has an
// {id}, that the token is for that conversation (PermissionDenied otherwise).
Result<WidgetClaims> AuthorizeCustomer(ApiContext* ctx, const server::HttpRequest& req);

// Console sessions in cookies (see docs/architecture.md, "Console sessions"): the session
// token in an HttpOnly cookie, plus a readable CSRF cookie that must be echoed in a header
// (HTTP) or the `csrf` query parameter (WebSocket upgrade).
inline constexpr const char* kSessionCookie = "lingxi_session";
inline constexpr const char* kCsrfCookie = "lingxi_csrf";
inline constexpr const char* kCsrfHeader = "x-lingxi-csrf";
// The value of cookie `name` in the request's Cookie header, or empty.
std::string CookieValue(const server::HttpRequest& req, std::string_view name);
// The agent session token of the request: the bearer token, else the session cookie if the
// CSRF check passes (sets *csrf_failed otherwise). Empty if none.
std::string SessionToken(const server::HttpRequest& req, bool* csrf_failed);

// Authenticates the agent/admin behind the request's bearer token, or behind the session
// cookie when the CSRF header/parameter matches the CSRF cookie (a blocking store read on the
// worker pool). Returns the user, or the 401 response to send.
boost::asio::awaitable<std::variant<domain::User, server::HttpResponse>> AuthenticateUser(ApiContext* ctx,
                                                                                         server::HttpRequest req);

// Runs `query(tx)` (returning Result<T>) on a pooled read connection, on the worker pool, so
// the I/O thread never blocks. Not a coroutine itself: co_await the returned awaitable.
// Pass `query` as a named local, never a temporary (GCC 12 coroutine bug, see blocking.h).
template <typename Query>
auto ReadOnWorkers(ApiContext* ctx, Query query) {
  using R = std::invoke_result_t<Query&, store::ReadTx&>;
  store::Store* store = ctx->store;
  auto job = [store, query = std::move(query)]() mutable -> R {
    std::optional<R> out;
    Status s = store->Read([&](store::ReadTx& tx) -> Status {
      out.emplace(query(tx));
      return out->ok() ? Status::Ok() : out->status();
    });
    if (!s.ok()) return s;
    return std::move(*out);
  };
  return server::RunBlocking(*ctx->workers, std::move(job));
}

// In a coroutine: authenticates the agent or co_returns the 401 response.
#define LINGXI_AUTH_OR_RETURN(user_var, ctx, req)                                     \
  auto user_var##_auth = co_await ::lingxi::api::AuthenticateUser(ctx, req);          \
  if (auto* e = std::get_if<::lingxi::server::HttpResponse>(&user_var##_auth))        \
    co_return std::move(*e);                                                          \
  ::lingxi::domain::User user_var = std::get<::lingxi::domain::User>(std::move(user_var##_auth))

// In a coroutine: authenticates an admin, or co_returns 401 (no session) / 403 with `why`.
#define LINGXI_ADMIN_OR_RETURN(user_var, ctx, req, why)                                           \
  LINGXI_AUTH_OR_RETURN(user_var, ctx, req);                                                      \
  if (user_var.role != ::lingxi::domain::Role::kAdmin)                                            \
  co_return ::lingxi::api::ErrorResponse(::lingxi::PermissionDenied(why))

}  // namespace lingxi::api
