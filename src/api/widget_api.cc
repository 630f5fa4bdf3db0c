// Customer-facing endpoints used by the web chat widget (and mobile apps):
//   POST /api/v1/widget/conversations
//   GET  /api/v1/widget/conversations/{id}
//   GET  /api/v1/widget/conversations/{id}/messages
//   POST /api/v1/widget/conversations/{id}/messages
//   POST /api/v1/widget/conversations/{id}/handoff
//   GET  /api/v1/widget/ws?token=...   (WebSocket)
#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include "core/json.h"
#include "api/api.h"
#include "api/http_status.h"
#include "api/json_views.h"
#include "api/request_utils.h"
#include "core/clock.h"
#include "core/log.h"
#include "server/blocking.h"

namespace lingxi::api {

namespace asio = boost::asio;
namespace json = boost::json;
using server::HttpRequest;
using server::HttpResponse;
using conversations::TurnResult;

namespace {

constexpr size_t kMaxContentBytes = 32 * 1024;

Result<WidgetClaims> Authorize(ApiContext* ctx, const HttpRequest& req) { return AuthorizeCustomer(ctx, req); }

json::object TurnJson(const TurnResult& t) {
  json::object o;
  if (t.message.id) o["message"] = MessageJson(t.message);
  o["replies"] = MessagesJson(t.replies);
  o["status"] = domain::ConversationStatusName(t.conversation.status);
  return o;
}

asio::awaitable<HttpResponse> Create(ApiContext* ctx, HttpRequest req) {
  auto parsed = ParseJsonObject(req);
  if (auto* err = std::get_if<HttpResponse>(&parsed)) co_return std::move(*err);
  const auto& body = std::get<json::object>(parsed);
  auto token = ReqString(body, "inbox_token", 128);
  if (!token.ok()) co_return ErrorResponse(token.status());
  conversations::ContactInput contact;
  if (auto* c = body.if_contains("contact"); c && !c->is_null()) {
    if (!c->is_object()) co_return ErrorResponse(InvalidArgument("contact must be an object"));
    const auto& co = c->as_object();
    auto ext = OptString(co, "external_id", 200);
    auto name = OptString(co, "name", 200);
    auto email = OptString(co, "email", 320);
    auto hash = OptString(co, "identifier_hash", 128);
    for (const auto* r : {&ext, &name, &email, &hash})
      if (!r->ok()) co_return ErrorResponse(r->status());
    contact.external_id = ext->value_or("");
    contact.name = name->value_or("");
    contact.email = email->value_or("");
    contact.identifier_hash = hash->value_or("");
  }
  auto* svc = ctx->conversations;
  auto job1 = [svc, t = *token, contact]() { return svc->StartWidgetConversation(t, contact); };
  auto started = co_await server::RunBlocking(*ctx->workers, std::move(job1));
  if (!started.ok()) {
    if (started.status().code() == StatusCode::kNotFound)
      co_return ErrorResponse(404, "not_found", "unknown inbox token");
    co_return ErrorResponse(started.status());
  }
  WidgetClaims claims{started->conversation.account_id, started->conversation.id, started->contact.id,
                      NowMillis() + ctx->widget_token_ttl_ms};
  json::object o;
  o["conversation_id"] = started->conversation.id;
  o["contact_id"] = started->contact.id;
  o["token"] = ctx->widget_tokens->Issue(claims);
  o["status"] = domain::ConversationStatusName(started->conversation.status);
  co_return JsonResponse(201, o);
}

asio::awaitable<HttpResponse> Get(ApiContext* ctx, HttpRequest req) {
  auto claims = Authorize(ctx, req);
  if (!claims.ok()) co_return ErrorResponse(claims.status());
  WidgetClaims c = *claims;
  auto job2 = [c](store::ReadTx& tx) { return tx.GetConversation(c.account_id, c.conversation_id); };
  auto conv = co_await ReadOnWorkers(ctx, std::move(job2));
  if (!conv.ok()) co_return ErrorResponse(conv.status());
  co_return JsonResponse(200, ConversationJson(*conv, /*include_handoff=*/false));
}

asio::awaitable<HttpResponse> ListMessages(ApiContext* ctx, HttpRequest req) {
  auto claims = Authorize(ctx, req);
  if (!claims.ok()) co_return ErrorResponse(claims.status());
  int64_t after = 0, limit = 200;
  if (const auto* a = req.Query("after"); a && *a != "0") {
    auto v = ParseId(*a, "after");
    if (!v.ok()) co_return ErrorResponse(v.status());
    after = *v;
  }
  if (const auto* l = req.Query("limit")) {
    auto v = ParseId(*l, "limit");
    if (!v.ok()) co_return ErrorResponse(v.status());
    limit = std::min<int64_t>(*v, 500);
  }
  WidgetClaims c = *claims;
  auto job3 = [c, after, limit](store::ReadTx& tx) { return tx.ListMessages(c.account_id, c.conversation_id, after, static_cast<int>(limit)); };
  auto msgs = co_await ReadOnWorkers(ctx, std::move(job3));
  if (!msgs.ok()) co_return ErrorResponse(msgs.status());
  json::object o;
  o["messages"] = MessagesJson(*msgs);
  co_return JsonResponse(200, o);
}

// A customer turn: on the calling I/O thread when everything it needs is in memory (the
// common case: microseconds of CPU, no blocking), otherwise on the worker pool.
void StartCustomerTurn(ApiContext* ctx, const WidgetClaims& c, std::string content,
                       conversations::ConversationService::TurnCallback cb, std::string client_ref = {}) {
  if (ctx->conversations->TryPostCustomerMessage(c.account_id, c.conversation_id, c.contact_id, content, cb,
                                                 client_ref))
    return;
  asio::post(*ctx->workers, [ctx, c, content = std::move(content), cb = std::move(cb),
                             client_ref = std::move(client_ref)]() mutable {
    ctx->conversations->PostCustomerMessage(c.account_id, c.conversation_id, c.contact_id, std::move(content),
                                            std::move(cb), std::move(client_ref));
  });
}

asio::awaitable<Result<TurnResult>> Turn(ApiContext* ctx, WidgetClaims c, std::string content, bool handoff) {
  auto job4 = [ctx, c, content = std::move(content), handoff](std::function<void(Result<TurnResult>)> cb) mutable {
        if (!handoff) return StartCustomerTurn(ctx, c, std::move(content), std::move(cb));
        asio::post(*ctx->workers, [ctx, c, cb = std::move(cb)]() mutable {
          ctx->conversations->RequestHuman(c.account_id, c.conversation_id, c.contact_id, std::move(cb));
        });
      };
  co_return co_await server::AwaitCallback<Result<TurnResult>>(std::move(job4));
}

asio::awaitable<HttpResponse> PostMessage(ApiContext* ctx, HttpRequest req) {
  auto claims = Authorize(ctx, req);
  if (!claims.ok()) co_return ErrorResponse(claims.status());
  auto parsed = ParseJsonObject(req);
  if (auto* err = std::get_if<HttpResponse>(&parsed)) co_return std::move(*err);
  auto content = ReqString(std::get<json::object>(parsed), "content", kMaxContentBytes);
  if (!content.ok()) co_return ErrorResponse(content.status());
  auto turn = co_await Turn(ctx, *claims, std::move(*content), false);
  if (!turn.ok()) co_return ErrorResponse(turn.status());
  co_return JsonResponse(201, TurnJson(*turn));
}

asio::awaitable<HttpResponse> Handoff(ApiContext* ctx, HttpRequest req) {
  auto claims = Authorize(ctx, req);
  if (!claims.ok()) co_return ErrorResponse(claims.status());
  auto turn = co_await Turn(ctx, *claims, "", true);
  if (!turn.ok()) co_return ErrorResponse(turn.status());
  co_return JsonResponse(200, TurnJson(*turn));
}

// ---- WebSocket ---------------------------------------------------------------------

void SendJson(const std::shared_ptr<server::WsConnection>& c, const json::object& o) {
  c->Send(std::make_shared<const std::string>(json::serialize(o)));
}

void SendError(const std::shared_ptr<server::WsConnection>& c, std::string_view code, std::string_view message,
               const json::value& client_id) {
  json::object o{{"type", "error"}, {"code", code}, {"message", message}};
  if (!client_id.is_null()) o["client_id"] = client_id;
  SendJson(c, o);
}

void OnCustomerFrame(ApiContext* ctx, WidgetClaims c, const std::shared_ptr<server::WsConnection>& conn,
                     std::string text) {
  boost::system::error_code ec;
  json::parse_options opt;
  opt.max_depth = 8;
  json::value v = ParseJson(text, ec, opt);
  if (ec || !v.is_object()) return SendError(conn, "invalid_json", "frames must be JSON objects", nullptr);
  const auto& o = v.as_object();
  json::value client_id = nullptr;
  if (auto* id = o.if_contains("client_id"); id && (id->is_string() || id->is_int64())) client_id = *id;
  if (client_id.is_string() && client_id.as_string().size() > 100)
    return SendError(conn, "invalid_argument", "client_id is longer than 100 bytes", nullptr);
  auto type = OptString(o, "type", 32);
  if (!type.ok() || !*type) return SendError(conn, "invalid_argument", "type is required", client_id);
  if (**type == "ping") return SendJson(conn, json::object{{"type", "pong"}});
  if (**type == "typing") {
    // Relayed to the account's agents, not stored.
    json::object t{{"type", "typing"}, {"conversation_id", c.conversation_id}, {"sender_type", "contact"}};
    ctx->hub->SendToAccount(c.account_id, std::make_shared<const std::string>(json::serialize(t)));
    return;
  }
  if (**type != "message") return SendError(conn, "invalid_argument", "unknown frame type", client_id);
  auto content = ReqString(o, "content", kMaxContentBytes);
  if (!content.ok()) return SendError(conn, "invalid_argument", content.status().message(), client_id);
  std::weak_ptr<server::WsConnection> weak = conn;
  // Success is acknowledged by the echo of the stored message (it carries `client_id`), which
  // the hub sends after COMMIT to every socket of the conversation, this one included.
  std::string client_ref = client_id.is_null() ? std::string() : json::serialize(client_id);
  auto on_done = [weak, client_id](Result<TurnResult> r) {
    if (r.ok()) return;
    if (auto conn = weak.lock())
      SendError(conn, std::string(StatusCodeName(r.status().code())), r.status().message(), client_id);
  };
  StartCustomerTurn(ctx, c, std::move(*content), std::move(on_done), std::move(client_ref));
}

asio::awaitable<server::WsUpgradeResult> CustomerSocket(ApiContext* ctx, HttpRequest req) {
  auto claims = Authorize(ctx, req);
  if (!claims.ok()) co_return ErrorResponse(claims.status());
  WidgetClaims c = *claims;
  // Bring the conversation into memory now, so the customer's messages take the fast path.
  conversations::ConversationService* svc = ctx->conversations;
  auto preload = [svc, c]() { return svc->Preload(c.account_id, c.conversation_id, c.contact_id); };
  Status loaded = co_await server::RunBlocking(*ctx->workers, std::move(preload));
  if (!loaded.ok()) co_return ErrorResponse(loaded);
  RealtimeHub* hub = ctx->hub;
  server::WsBinding b;
  b.on_open = [hub, c](const std::shared_ptr<server::WsConnection>& conn) {
    hub->SubscribeConversation(c.conversation_id, conn);
    SendJson(conn, json::object{{"type", "hello"}, {"conversation_id", c.conversation_id}});
  };
  b.on_message = [ctx, c](const std::shared_ptr<server::WsConnection>& conn, std::string text) {
    OnCustomerFrame(ctx, c, conn, std::move(text));
  };
  b.on_close = [ctx, hub, c](const std::shared_ptr<server::WsConnection>& conn) {
    hub->UnsubscribeConversation(c.conversation_id, conn.get());
    if (!hub->HasConversationSubscribers(c.conversation_id)) ctx->conversations->CustomerLeft(c.conversation_id);
  };
  co_return b;
}

}  // namespace

Result<WidgetClaims> AuthorizeCustomer(ApiContext* ctx, const HttpRequest& req) {
  LINGXI_ASSIGN_OR_RETURN(WidgetClaims c, ctx->widget_tokens->Verify(BearerToken(req), NowMillis()));
  auto it = req.params.find("id");
  if (it != req.params.end()) {
    LINGXI_ASSIGN_OR_RETURN(int64_t id, ParseId(it->second, "conversation id"));
    if (id != c.conversation_id) return PermissionDenied("token is not valid for this conversation");
  }
  return c;
}

void RegisterWidgetRoutes(server::Router& router, ApiContext* ctx) {
  router.Add("POST", "/api/v1/widget/conversations", [ctx](HttpRequest r) { return Create(ctx, std::move(r)); });
  router.Add("GET", "/api/v1/widget/conversations/{id}", [ctx](HttpRequest r) { return Get(ctx, std::move(r)); });
  router.Add("GET", "/api/v1/widget/conversations/{id}/messages",
             [ctx](HttpRequest r) { return ListMessages(ctx, std::move(r)); });
  router.Add("POST", "/api/v1/widget/conversations/{id}/messages",
             [ctx](HttpRequest r) { return PostMessage(ctx, std::move(r)); });
  router.Add("POST", "/api/v1/widget/conversations/{id}/handoff",
             [ctx](HttpRequest r) { return Handoff(ctx, std::move(r)); });
  router.AddWebSocket("/api/v1/widget/ws", [ctx](HttpRequest r) { return CustomerSocket(ctx, std::move(r)); });
}

}  // namespace lingxi::api
