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
}

boost::asio::awaitable<std::variant<domain::User, server::HttpResponse>> AuthenticateUser(ApiContext* ctx,
                                                                                         server::HttpRequest req) {
  std::string token = BearerToken(req);
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
