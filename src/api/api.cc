#include "api/api.h"

#include "api/http_status.h"
#include "api/request_utils.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "server/blocking.h"

namespace lingxi::api {

void RegisterRoutes(server::Router& router, ApiContext* ctx) {
  RegisterSystemRoutes(router, ctx);
  RegisterWidgetRoutes(router, ctx);
  RegisterAgentRoutes(router, ctx);
  RegisterKbRoutes(router, ctx);
  RegisterFeedbackRoutes(router, ctx);
  RegisterUserRoutes(router, ctx);
  RegisterCannedRoutes(router, ctx);
  RegisterBotRoutes(router, ctx);
  RegisterAssistRoutes(router, ctx);
}

std::string CookieValue(const server::HttpRequest& req, std::string_view name) {
  const std::string* header = req.Header("cookie");
  if (!header) return "";
  std::string_view rest = *header;
  while (!rest.empty()) {
    size_t end = rest.find(';');
    std::string_view pair = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
  }
  return "";
}

std::string SessionToken(const server::HttpRequest& req, bool* csrf_failed) {
  std::string token = BearerToken(req);
  if (!token.empty()) return token;
  std::string cookie = CookieValue(req, kSessionCookie);
  if (cookie.empty()) return "";
  // A cookie alone proves nothing about who sent the request: require the CSRF token too,
  // which only a page of our own origin can read.
  std::string csrf = CookieValue(req, kCsrfCookie);
  const std::string* sent = req.Header(kCsrfHeader);
  if (!sent) sent = req.Query("csrf");
  if (csrf.empty() || !sent || !ConstantTimeEquals(csrf, *sent)) {
    *csrf_failed = true;
    return "";
  }
  return cookie;
}

boost::asio::awaitable<std::variant<domain::User, server::HttpResponse>> AuthenticateUser(ApiContext* ctx,
                                                                                         server::HttpRequest req) {
  bool csrf_failed = false;
  std::string token = SessionToken(req, &csrf_failed);
  if (csrf_failed) co_return ErrorResponse(401, "unauthenticated", "missing or wrong CSRF token");
  if (token.empty()) co_return ErrorResponse(401, "unauthenticated", "missing bearer token");
  if (token.size() > 256) co_return ErrorResponse(401, "unauthenticated", "invalid token");
  store::Store* store = ctx->store;
  auto job1 = [store, token]() -> Result<domain::User> {
    domain::User u;
    Status s = store->Read([&](store::ReadTx& tx) -> Status {
      LINGXI_ASSIGN_OR_RETURN(domain::Session session, tx.FindSession(Sha256Hex(token)));
      if (session.expires_at <= NowMillis()) return Unauthenticated("session expired");
      LINGXI_ASSIGN_OR_RETURN(u, tx.GetUser(session.account_id, session.user_id));
      if (!u.active) return Unauthenticated("user is deactivated");
      return Status::Ok();
    });
    if (!s.ok()) {
      if (s.code() == StatusCode::kNotFound) return Unauthenticated("invalid or expired token");
      return s;
    }
    return u;
  };
  Result<domain::User> user = co_await server::RunBlocking(*ctx->workers, std::move(job1));
  if (!user.ok()) co_return ErrorResponse(user.status());
  co_return std::move(user).value();
}

}  // namespace lingxi::api
