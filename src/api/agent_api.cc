// Agent endpoints:
//   POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /api/v1/auth/me
//   GET  /api/v1/conversations?status=&assignee=&limit=&before=
//   GET  /api/v1/conversations/{id}
//   POST /api/v1/conversations/{id}/assign | messages | resolve
//   GET  /api/v1/contacts/{id}
//   GET  /api/v1/ws?token=...   (WebSocket)
#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include <algorithm>

#include "core/json.h"
#include "api/api.h"
#include "api/http_status.h"
#include "api/json_views.h"
#include "api/request_utils.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/log.h"
#include "server/blocking.h"

namespace lingxi::api {

namespace asio = boost::asio;
namespace json = boost::json;
using server::HttpRequest;
using server::HttpResponse;

namespace {

bool IsHttps(const HttpRequest& req) {
  const std::string* proto = req.Header("x-forwarded-proto");
  return proto && *proto == "https";
}

asio::awaitable<HttpResponse> Login(ApiContext* ctx, HttpRequest req) {
  auto parsed = ParseJsonObject(req);
  if (auto* err = std::get_if<HttpResponse>(&parsed)) co_return std::move(*err);
  const auto& body = std::get<json::object>(parsed);
  auto email = ReqString(body, "email", 320);
  auto password = ReqString(body, "password", 1024);
  auto session_kind = OptString(body, "session", 16);
  if (!session_kind.ok()) co_return ErrorResponse(session_kind.status());
  if (*session_kind && **session_kind != "cookie" && **session_kind != "token")
    co_return ErrorResponse(InvalidArgument("session must be \"token\" or \"cookie\""));
  const bool cookie = *session_kind && **session_kind == "cookie";
  const bool* cookie_mode = &cookie;
  if (!email.ok()) co_return ErrorResponse(email.status());
  if (!password.ok()) co_return ErrorResponse(password.status());
  std::string e = *email;
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char ch) { return std::tolower(ch); });
  store::Store* store = ctx->store;
  const int64_t ttl = ctx->session_ttl_ms;
  struct LoginResult {
    domain::User user;
    std::string token;
    int64_t expires_at = 0;
  };
  auto job1 = [store, e, p = *password, ttl]() -> Result<LoginResult> {
    LoginResult out;
    Status s = store->Read([&](store::ReadTx& tx) -> Status {
      LINGXI_ASSIGN_OR_RETURN(out.user, tx.FindUserByEmail(e));
      return Status::Ok();
    });
    // Same error and similar cost for unknown users and wrong passwords.
    static const std::string kDummy = HashPassword("lingxi-timing-equaliser").value();
    bool ok = VerifyPassword(p, s.ok() ? out.user.password_hash : kDummy) && s.ok();
    if (!ok || !out.user.active) return Unauthenticated("wrong email or password");
    out.token = RandomToken(32);
    out.expires_at = NowMillis() + ttl;
    domain::Session session{Sha256Hex(out.token), out.user.id, out.user.account_id, out.expires_at};
    LINGXI_RETURN_IF_ERROR(store->WriteSync([session](store::WriteTx& tx) { return tx.InsertSession(session); }));
    return out;
  };
  auto r = co_await server::RunBlocking(*ctx->workers, std::move(job1));
  if (!r.ok()) co_return ErrorResponse(r.status());
  json::object o;
  o["expires_at"] = FormatTimestamp(r->expires_at);
  o["user"] = UserJson(r->user);
  if (!*cookie_mode) {
    o["token"] = r->token;
    co_return JsonResponse(200, o);
  }
  // Browser console: the token goes only into an HttpOnly cookie that scripts cannot read.
  const std::string csrf = RandomToken(24);
  o["csrf"] = csrf;
  HttpResponse resp = JsonResponse(200, o);
  const std::string max_age = std::to_string(ttl / 1000);
  const std::string secure = IsHttps(req) ? "; Secure" : "";
  resp.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=" + r->token +
                                              "; Path=/api/; HttpOnly; SameSite=Strict; Max-Age=" + max_age + secure);
  resp.headers.emplace_back("Set-Cookie", std::string(kCsrfCookie) + "=" + csrf +
                                              "; Path=/; SameSite=Strict; Max-Age=" + max_age + secure);
  resp.headers.emplace_back("Cache-Control", "no-store");
  co_return resp;
}

asio::awaitable<HttpResponse> Logout(ApiContext* ctx, HttpRequest req) {
  LINGXI_AUTH_OR_RETURN(user, ctx, req);
  bool csrf_failed = false;
  std::string hash = Sha256Hex(SessionToken(req, &csrf_failed));
  store::Store* store = ctx->store;
  auto job2 = [store, hash]() { return store->WriteSync([hash](store::WriteTx& tx) { return tx.DeleteSession(hash); }); };
  Status s = co_await server::RunBlocking(*ctx->workers, std::move(job2));
  if (!s.ok() && s.code() != StatusCode::kNotFound) co_return ErrorResponse(s);
  HttpResponse resp = JsonResponse(200, json::object{{"ok", true}});
  resp.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=; Path=/api/; HttpOnly; SameSite=Strict; Max-Age=0");
  resp.headers.emplace_back("Set-Cookie", std::string(kCsrfCookie) + "=; Path=/; SameSite=Strict; Max-Age=0");
  co_return resp;
}

asio::awaitable<HttpResponse> Me(ApiContext* ctx, HttpRequest req) {
  LINGXI_AUTH_OR_RETURN(user, ctx, req);
  co_return JsonResponse(200, json::object{{"user", UserJson(user)}});
}

asio::awaitable<HttpResponse> ListConversations(ApiContext* ctx, HttpRequest req) {
  LINGXI_AUTH_OR_RETURN(user, ctx, req);
  store::ConversationFilter f;
  if (const auto* s = req.Query("status")) {
    if (*s == "open") {
      f.open_only = true;
    } else if (auto st = domain::ParseConversationStatus(*s)) {
      f.status = *st;
    } else {
      co_return ErrorResponse(InvalidArgument("status must be one of bot, queued, assigned, resolved, open"));
    }
  }
  if (const auto* a = req.Query("assignee")) {
    if (*a == "me") {
      f.assignee_id = user.id;
    } else {
      auto id = ParseId(*a, "assignee");
      if (!id.ok()) co_return ErrorResponse(id.status());
      f.assignee_id = *id;
    }
  }
  if (const auto* l = req.Query("limit")) {
    auto v = ParseId(*l, "limit");
    if (!v.ok()) co_return ErrorResponse(v.status());
    f.limit = static_cast<int>(std::min<int64_t>(*v, 200));
  }
  if (const auto* b = req.Query("before")) {
    auto v = ParseId(*b, "before");
    if (!v.ok()) co_return ErrorResponse(v.status());
    f.before_id = *v;
  }
  const domain::Id account = user.account_id;
  auto job3 = [account, f](store::ReadTx& tx) { return tx.ListConversations(account, f); };
  auto list = co_await ReadOnWorkers(ctx, std::move(job3));
  if (!list.ok()) co_return ErrorResponse(list.status());
  json::array arr;
  for (const auto& c : *list) arr.push_back(ConversationJson(c));
  co_return JsonResponse(200, json::object{{"conversations", std::move(arr)}});
}

asio::awaitable<HttpResponse> GetConversation(ApiContext* ctx, HttpRequest req) {
  LINGXI_AUTH_OR_RETURN(user, ctx, req);
  auto id = ParseId(req.params["id"], "conversation id");
  if (!id.ok()) co_return ErrorResponse(id.status());
  store::Store* store = ctx->store;
  const domain::Id account = user.account_id, conv_id = *id;
  struct Detail {
    domain::Conversation conv;
    domain::Contact contact;
    std::vector<domain::Identity> identities;
    std::vector<domain::Message> messages;
  };
  auto job4 = [store, account, conv_id]() -> Result<Detail> {
    Detail out;
    LINGXI_RETURN_IF_ERROR(store->Read([&](store::ReadTx& tx) -> Status {
      LINGXI_ASSIGN_OR_RETURN(out.conv, tx.GetConversation(account, conv_id));
      LINGXI_ASSIGN_OR_RETURN(out.contact, tx.GetContact(account, out.conv.contact_id));
      LINGXI_ASSIGN_OR_RETURN(out.identities, tx.ListIdentities(account, out.conv.contact_id));
      LINGXI_ASSIGN_OR_RETURN(out.messages, tx.RecentMessages(account, conv_id, 500));
      return Status::Ok();
    }));
    return out;
  };
  auto d = co_await server::RunBlocking(*ctx->workers, std::move(job4));
  if (!d.ok()) co_return ErrorResponse(d.status());
  json::object o = ConversationJson(d->conv);
  json::object contact = ContactJson(d->contact);
  json::array ids;
  for (const auto& i : d->identities) ids.push_back(IdentityJson(i));
  contact["identities"] = std::move(ids);
  o["contact"] = std::move(contact);
  o["messages"] = MessagesJson(d->messages);
  co_return JsonResponse(200, o);
}

asio::awaitable<HttpResponse> GetContact(ApiContext* ctx, HttpRequest req) {
  LINGXI_AUTH_OR_RETURN(user, ctx, req);
  auto id = ParseId(req.params["id"], "contact id");
  if (!id.ok()) co_return ErrorResponse(id.status());
  store::Store* store = ctx->store;
  const domain::Id account = user.account_id, contact_id = *id;
  struct Detail {
    domain::Contact contact;
    std::vector<domain::Identity> identities;
    std::vector<domain::Conversation> conversations;
  };
  auto job5 = [store, account, contact_id]() -> Result<Detail> {
    Detail out;
    LINGXI_RETURN_IF_ERROR(store->Read([&](store::ReadTx& tx) -> Status {
      LINGXI_ASSIGN_OR_RETURN(out.contact, tx.GetContact(account, contact_id));
      LINGXI_ASSIGN_OR_RETURN(out.identities, tx.ListIdentities(account, contact_id));
      store::ConversationFilter f;
      f.contact_id = contact_id;
      f.limit = 50;
      LINGXI_ASSIGN_OR_RETURN(out.conversations, tx.ListConversations(account, f));
      return Status::Ok();
    }));
    return out;
  };
  auto d = co_await server::RunBlocking(*ctx->workers, std::move(job5));
  if (!d.ok()) co_return ErrorResponse(d.status());
  json::object o = ContactJson(d->contact);
  json::array ids, convs;
  for (const auto& i : d->identities) ids.push_back(IdentityJson(i));
  for (const auto& c : d->conversations) convs.push_back(ConversationJson(c));
  o["identities"] = std::move(ids);
  o["conversations"] = std::move(convs);
  co_return JsonResponse(200, o);
}

asio::awaitable<HttpResponse> ConversationResult(Result<domain::Conversation> r) {
  if (!r.ok()) co_return ErrorResponse(r.status());
  co_return JsonResponse(200, ConversationJson(*r));
}

asio::awaitable<HttpResponse> Assign(ApiContext* ctx, HttpRequest req) {
  LINGXI_AUTH_OR_RETURN(user, ctx, req);
  auto id = ParseId(req.params["id"], "conversation id");
  if (!id.ok()) co_return ErrorResponse(id.status());
  domain::Id assignee = user.id;
  if (!req.body.empty()) {
    auto parsed = ParseJsonObject(req);
    if (auto* err = std::get_if<HttpResponse>(&parsed)) co_return std::move(*err);
    auto a = OptInt(std::get<json::object>(parsed), "assignee_id");
    if (!a.ok()) co_return ErrorResponse(a.status());
    if (*a) assignee = **a;
  }
  const domain::Id account = user.account_id, conv = *id;
  auto job6 = [ctx, account, conv, assignee](std::function<void(Result<domain::Conversation>)> cb) {
        asio::post(*ctx->workers, [ctx, account, conv, assignee, cb = std::move(cb)]() mutable {
          ctx->conversations->Assign(account, conv, assignee, std::move(cb));
        });
      };
  auto r = co_await server::AwaitCallback<Result<domain::Conversation>>(std::move(job6));
  co_return co_await ConversationResult(std::move(r));
}

asio::awaitable<HttpResponse> Resolve(ApiContext* ctx, HttpRequest req) {
  LINGXI_AUTH_OR_RETURN(user, ctx, req);
  auto id = ParseId(req.params["id"], "conversation id");
  if (!id.ok()) co_return ErrorResponse(id.status());
  const domain::Id account = user.account_id, conv = *id;
  auto job7 = [ctx, account, conv](std::function<void(Result<domain::Conversation>)> cb) {
        asio::post(*ctx->workers, [ctx, account, conv, cb = std::move(cb)]() mutable {
          ctx->conversations->Resolve(account, conv, std::move(cb));
        });
      };
  auto r = co_await server::AwaitCallback<Result<domain::Conversation>>(std::move(job7));
  co_return co_await ConversationResult(std::move(r));
}

asio::awaitable<HttpResponse> Reply(ApiContext* ctx, HttpRequest req) {
  LINGXI_AUTH_OR_RETURN(user, ctx, req);
  auto id = ParseId(req.params["id"], "conversation id");
  if (!id.ok()) co_return ErrorResponse(id.status());
  auto parsed = ParseJsonObject(req);
  if (auto* err = std::get_if<HttpResponse>(&parsed)) co_return std::move(*err);
  const auto& body = std::get<json::object>(parsed);
  auto content = ReqString(body, "content", 32 * 1024);
  if (!content.ok()) co_return ErrorResponse(content.status());
  auto translate_to = OptString(body, "translate_to", 8);
  if (!translate_to.ok()) co_return ErrorResponse(translate_to.status());
  const domain::Id conv = *id;
  // A reply written in the agent's language, sent in the customer's: the translation is the
  // message, the original is kept in its meta. Nothing is sent if the translation fails.
  json::object extra_meta;
  if (translate_to->has_value()) {
    const std::string to = **translate_to;
    if (to != "zh" && to != "en") co_return ErrorResponse(InvalidArgument("translate_to must be \"zh\" or \"en\""));
    if (Status a = ctx->translator ? ctx->translator->Available() : Unavailable("translation is not configured"); !a.ok())
      co_return ErrorResponse(a);
    bot::Translator* translator = ctx->translator;
    const domain::Id account = user.account_id;
    auto start = [translator, account, conv, to, text = *content](
                     std::function<void(Result<std::vector<std::string>>)> cb) mutable {
      translator->Translate(account, conv, {bot::TranslateItem{0, std::move(text)}}, to, std::move(cb));
    };
    auto translated = co_await server::AwaitCallback<Result<std::vector<std::string>>>(std::move(start));
    if (!translated.ok()) co_return ErrorResponse(translated.status());
    extra_meta["original"] = *content;
    extra_meta["translated_to"] = to;
    *content = std::move(translated->front());
  }
  using conversations::TurnResult;
  auto job8 = [ctx, user, conv, c = std::move(*content), m = std::move(extra_meta)](
                  std::function<void(Result<TurnResult>)> cb) mutable {
        asio::post(*ctx->workers, [ctx, user, conv, c = std::move(c), m = std::move(m), cb = std::move(cb)]() mutable {
          ctx->conversations->PostAgentMessage(user.account_id, conv, user, std::move(c), std::move(cb), std::move(m));
        });
      };
  auto r = co_await server::AwaitCallback<Result<TurnResult>>(std::move(job8));
  if (!r.ok()) co_return ErrorResponse(r.status());
  json::object o;
  o["message"] = MessageJson(r->message);
  o["conversation"] = ConversationJson(r->conversation);
  co_return JsonResponse(201, o);
}

// Tells the customer an agent is composing (not stored). The conversation must belong to the
// agent's account: checked with one store read on the worker pool.
void RelayAgentTyping(ApiContext* ctx, domain::Id account, domain::Id conversation) {
  asio::post(*ctx->workers, [ctx, account, conversation] {
    Status s = ctx->store->Read([&](store::ReadTx& tx) -> Status {
      return tx.GetConversation(account, conversation).status();
    });
    if (!s.ok()) return;
    json::object t{{"type", "typing"}, {"conversation_id", conversation}, {"sender_type", "agent"}};
    ctx->hub->SendToConversation(conversation, std::make_shared<const std::string>(json::serialize(t)));
  });
}

asio::awaitable<server::WsUpgradeResult> AgentSocket(ApiContext* ctx, HttpRequest req) {
  auto auth = co_await AuthenticateUser(ctx, req);
  if (auto* e = std::get_if<HttpResponse>(&auth)) co_return std::move(*e);
  domain::User user = std::get<domain::User>(std::move(auth));
  RealtimeHub* hub = ctx->hub;
  const domain::Id account = user.account_id;
  server::WsBinding b;
  b.on_open = [hub, account, user](const std::shared_ptr<server::WsConnection>& conn) {
    hub->SubscribeAccount(account, conn);
    json::object hello{{"type", "hello"}, {"user", UserJson(user)}};
    conn->Send(std::make_shared<const std::string>(json::serialize(hello)));
  };
  b.on_message = [ctx, account](const std::shared_ptr<server::WsConnection>& conn, std::string text) {
    boost::system::error_code ec;
    json::parse_options opt;
    opt.max_depth = 8;
    auto v = ParseJson(text, ec, opt);
    if (ec || !v.is_object()) return;
    const auto& o = v.as_object();
    const json::value* type = o.if_contains("type");
    if (!type) return;
    if (*type == "ping") {
      conn->Send(std::make_shared<const std::string>(R"({"type":"pong"})"));
    } else if (*type == "typing") {
      auto id = OptInt(o, "conversation_id");
      if (id.ok() && *id && **id > 0) RelayAgentTyping(ctx, account, **id);
    }
  };
  b.on_close = [hub, account](const std::shared_ptr<server::WsConnection>& conn) {
    hub->UnsubscribeAccount(account, conn.get());
  };
  co_return b;
}

}  // namespace

void RegisterAgentRoutes(server::Router& router, ApiContext* ctx) {
  router.Add("POST", "/api/v1/auth/login", [ctx](HttpRequest r) { return Login(ctx, std::move(r)); });
  router.Add("POST", "/api/v1/auth/logout", [ctx](HttpRequest r) { return Logout(ctx, std::move(r)); });
  router.Add("GET", "/api/v1/auth/me", [ctx](HttpRequest r) { return Me(ctx, std::move(r)); });
  router.Add("GET", "/api/v1/conversations", [ctx](HttpRequest r) { return ListConversations(ctx, std::move(r)); });
  router.Add("GET", "/api/v1/conversations/{id}", [ctx](HttpRequest r) { return GetConversation(ctx, std::move(r)); });
  router.Add("POST", "/api/v1/conversations/{id}/assign", [ctx](HttpRequest r) { return Assign(ctx, std::move(r)); });
  router.Add("POST", "/api/v1/conversations/{id}/messages", [ctx](HttpRequest r) { return Reply(ctx, std::move(r)); });
  router.Add("POST", "/api/v1/conversations/{id}/resolve", [ctx](HttpRequest r) { return Resolve(ctx, std::move(r)); });
  router.Add("GET", "/api/v1/contacts/{id}", [ctx](HttpRequest r) { return GetContact(ctx, std::move(r)); });
  router.AddWebSocket("/api/v1/ws", [ctx](HttpRequest r) { return AgentSocket(ctx, std::move(r)); });
}

}  // namespace lingxi::api
