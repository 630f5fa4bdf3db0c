// Agent management (admins only, enforced here):
//   GET /api/v1/users, POST /api/v1/users, PUT /api/v1/users/{id}
// GET /api/v1/inboxes (widget tokens and identity secrets for the embed snippet),
// POST /api/v1/inboxes/{id}/identity_secret (rotate); for any agent,
// GET /api/v1/agents (active colleagues, for transfers).
#include <boost/json.hpp>

#include <algorithm>

#include "api/api.h"
#include "api/http_status.h"
#include "api/json_views.h"
#include "api/request_utils.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/utf8.h"
#include "server/blocking.h"

namespace lingxi::api {

namespace asio = boost::asio;
namespace json = boost::json;
using server::HttpRequest;
using server::HttpResponse;

namespace {

constexpr size_t kMinPassword = 8;

Status ValidatePassword(const std::string& p) {
  if (p.size() < kMinPassword) return InvalidArgument("password must be at least 8 characters");
  return Status::Ok();
}

Result<std::optional<domain::Role>> OptRole(const json::object& o) {
  LINGXI_ASSIGN_OR_RETURN(auto role, OptString(o, "role", 16));
  if (!role) return std::optional<domain::Role>();
  auto r = domain::ParseRole(*role);
  if (!r) return InvalidArgument("role must be \"admin\" or \"agent\"");
  return std::optional<domain::Role>(*r);
}

Result<std::optional<std::string>> OptName(const json::object& o) {
  LINGXI_ASSIGN_OR_RETURN(auto name, OptString(o, "name", 1000));
  if (!name) return name;
  std::string n(TrimWhitespace(*name));
  if (n.empty()) return InvalidArgument("name must not be empty");
  if (Utf8Length(n) > 100) return InvalidArgument("name is longer than 100 characters");
  return std::optional<std::string>(std::move(n));
}

asio::awaitable<HttpResponse> List(ApiContext* ctx, HttpRequest req) {
  LINGXI_ADMIN_OR_RETURN(user, ctx, req, "only admins can manage agents");
  const domain::Id account = user.account_id;
  auto job1 = [account](store::ReadTx& tx) { return tx.ListUsers(account); };
  auto list = co_await ReadOnWorkers(ctx, std::move(job1));
  if (!list.ok()) co_return ErrorResponse(list.status());
  json::array arr;
  for (const auto& u : *list) arr.push_back(UserJson(u));
  co_return JsonResponse(200, json::object{{"users", std::move(arr)}});
}

// Admin: the account's inboxes with the public widget token for the embed snippet.
asio::awaitable<HttpResponse> Inboxes(ApiContext* ctx, HttpRequest req) {
  LINGXI_ADMIN_OR_RETURN(user, ctx, req, "only admins can see inbox settings");
  const domain::Id account = user.account_id;
  auto job5 = [account](store::ReadTx& tx) { return tx.ListInboxes(account); };
  auto list = co_await ReadOnWorkers(ctx, std::move(job5));
  if (!list.ok()) co_return ErrorResponse(list.status());
  json::array arr;
  for (const auto& i : *list) {
    arr.push_back(json::object{{"id", i.id}, {"name", i.name}, {"channel", i.channel}, {"widget_token", i.widget_token},
                               {"identity_secret", i.identity_secret}, {"created_at", FormatTimestamp(i.created_at)}});
  }
  co_return JsonResponse(200, json::object{{"inboxes", std::move(arr)}});
}

// Admins: replaces the inbox's identity-verification secret with a new random one. Hashes made
// with the old secret stop working at once (conversations already started keep their tokens).
asio::awaitable<HttpResponse> RotateIdentitySecret(ApiContext* ctx, HttpRequest req) {
  LINGXI_ADMIN_OR_RETURN(user, ctx, req, "only admins can change inbox settings");
  auto id = ParseId(req.params["id"], "inbox id");
  if (!id.ok()) co_return ErrorResponse(id.status());
  const domain::Id account = user.account_id, inbox = *id;
  std::string secret = RandomHex(32);
  store::Store* store = ctx->store;
  auto job = [store, account, inbox, secret]() {
    return store->WriteSync([&](store::WriteTx& tx) { return tx.SetInboxIdentitySecret(account, inbox, secret); });
  };
  Status s = co_await server::RunBlocking(*ctx->workers, std::move(job));
  if (!s.ok()) co_return ErrorResponse(s);
  LOG_INFO("inbox {} identity secret rotated by user {}", inbox, user.id);
  co_return JsonResponse(200, json::object{{"id", inbox}, {"identity_secret", secret}});
}

// Any agent: the active colleagues a conversation can be transferred to (no emails).
asio::awaitable<HttpResponse> Directory(ApiContext* ctx, HttpRequest req) {
  LINGXI_AUTH_OR_RETURN(user, ctx, req);
  const domain::Id account = user.account_id;
  auto job4 = [account](store::ReadTx& tx) { return tx.ListUsers(account); };
  auto list = co_await ReadOnWorkers(ctx, std::move(job4));
  if (!list.ok()) co_return ErrorResponse(list.status());
  json::array arr;
  for (const auto& u : *list) {
    if (!u.active) continue;
    arr.push_back(json::object{{"id", u.id}, {"name", u.name}, {"role", domain::RoleName(u.role)}});
  }
  co_return JsonResponse(200, json::object{{"agents", std::move(arr)}});
}

asio::awaitable<HttpResponse> Create(ApiContext* ctx, HttpRequest req) {
  LINGXI_ADMIN_OR_RETURN(user, ctx, req, "only admins can manage agents");
  auto parsed = ParseJsonObject(req);
  if (auto* err = std::get_if<HttpResponse>(&parsed)) co_return std::move(*err);
  const auto& body = std::get<json::object>(parsed);
  auto email = ReqString(body, "email", 320);
  if (!email.ok()) co_return ErrorResponse(email.status());
  auto password = ReqString(body, "password", 1024);
  if (!password.ok()) co_return ErrorResponse(password.status());
  auto name = OptName(body);
  if (!name.ok()) co_return ErrorResponse(name.status());
  auto role = OptRole(body);
  if (!role.ok()) co_return ErrorResponse(role.status());
  std::string e(TrimWhitespace(*email));
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char ch) { return std::tolower(ch); });
  const size_t at = e.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= e.size() || e.find_first_of(" \t\r\n<>") != std::string::npos)
    co_return ErrorResponse(InvalidArgument("email is not an email address"));
  if (Status s = ValidatePassword(*password); !s.ok()) co_return ErrorResponse(s);
  domain::User u;
  u.account_id = user.account_id;
  u.email = e;
  u.name = *name ? **name : e.substr(0, at);
  u.role = *role ? **role : domain::Role::kAgent;
  u.active = true;
  store::Store* store = ctx->store;
  auto job2 = [store, u, p = *password]() mutable -> Result<domain::User> {
    LINGXI_ASSIGN_OR_RETURN(u.password_hash, HashPassword(p));
    u.created_at = NowMillis();
    Status s = store->WriteSync([&](store::WriteTx& tx) -> Status {
      LINGXI_ASSIGN_OR_RETURN(u.id, tx.InsertUser(u));
      return Status::Ok();
    });
    if (s.code() == StatusCode::kAlreadyExists) return AlreadyExists("a user with this email already exists");
    if (!s.ok()) return s;
    return u;
  };
  auto r = co_await server::RunBlocking(*ctx->workers, std::move(job2));
  if (!r.ok()) co_return ErrorResponse(r.status());
  co_return JsonResponse(201, UserJson(*r));
}

asio::awaitable<HttpResponse> Update(ApiContext* ctx, HttpRequest req) {
  LINGXI_ADMIN_OR_RETURN(user, ctx, req, "only admins can manage agents");
  auto id = ParseId(req.params["id"], "user id");
  if (!id.ok()) co_return ErrorResponse(id.status());
  auto parsed = ParseJsonObject(req);
  if (auto* err = std::get_if<HttpResponse>(&parsed)) co_return std::move(*err);
  const auto& body = std::get<json::object>(parsed);
  auto name = OptName(body);
  if (!name.ok()) co_return ErrorResponse(name.status());
  auto role = OptRole(body);
  if (!role.ok()) co_return ErrorResponse(role.status());
  auto password = OptString(body, "password", 1024);
  if (!password.ok()) co_return ErrorResponse(password.status());
  if (*password)
    if (Status s = ValidatePassword(**password); !s.ok()) co_return ErrorResponse(s);
  std::optional<bool> active;
  if (const json::value* v = body.if_contains("active")) {
    if (!v->is_bool()) co_return ErrorResponse(InvalidArgument("active must be a boolean"));
    active = v->as_bool();
  }
  const domain::Id target = *id;
  if (target == user.id) {
    if (active && !*active) co_return ErrorResponse(FailedPrecondition("you cannot deactivate yourself"));
    if (*role && **role != domain::Role::kAdmin)
      co_return ErrorResponse(FailedPrecondition("you cannot remove your own admin role"));
  }
  store::Store* store = ctx->store;
  const domain::Id account = user.account_id;
  auto job3 = [store, account, target, n = *name, r = *role, p = *password, active]() -> Result<domain::User> {
    std::string hash;
    if (p) {
      LINGXI_ASSIGN_OR_RETURN(hash, HashPassword(*p));
    }
    domain::User u;
    LINGXI_RETURN_IF_ERROR(store->WriteSync([&](store::WriteTx& tx) -> Status {
      LINGXI_ASSIGN_OR_RETURN(u, tx.GetUser(account, target));
      if (n) u.name = *n;
      if (r) u.role = *r;
      if (active) u.active = *active;
      if (p) u.password_hash = hash;
      LINGXI_RETURN_IF_ERROR(tx.UpdateUser(u));
      // A deactivated user or a reset password logs the user out everywhere.
      if (!u.active || p) LINGXI_RETURN_IF_ERROR(tx.DeleteUserSessions(account, target));
      return Status::Ok();
    }));
    return u;
  };
  auto r = co_await server::RunBlocking(*ctx->workers, std::move(job3));
  if (!r.ok()) co_return ErrorResponse(r.status());
  co_return JsonResponse(200, UserJson(*r));
}

}  // namespace

void RegisterUserRoutes(server::Router& router, ApiContext* ctx) {
  router.Add("GET", "/api/v1/users", [ctx](HttpRequest r) { return List(ctx, std::move(r)); });
  router.Add("POST", "/api/v1/users", [ctx](HttpRequest r) { return Create(ctx, std::move(r)); });
  router.Add("GET", "/api/v1/inboxes", [ctx](HttpRequest r) { return Inboxes(ctx, std::move(r)); });
  router.Add("POST", "/api/v1/inboxes/{id}/identity_secret",
             [ctx](HttpRequest r) { return RotateIdentitySecret(ctx, std::move(r)); });
  router.Add("GET", "/api/v1/agents", [ctx](HttpRequest r) { return Directory(ctx, std::move(r)); });
  router.Add("PUT", "/api/v1/users/{id}", [ctx](HttpRequest r) { return Update(ctx, std::move(r)); });
}

}  // namespace lingxi::api
