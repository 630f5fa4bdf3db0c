// Canned replies (reads: any agent; writes: admins):
//   GET /api/v1/canned_replies, POST /api/v1/canned_replies, DELETE /api/v1/canned_replies/{id}
#include <boost/json.hpp>

#include "api/api.h"
#include "api/http_status.h"
#include "api/request_utils.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "server/blocking.h"

namespace lingxi::api {

namespace asio = boost::asio;
namespace json = boost::json;
using server::HttpRequest;
using server::HttpResponse;

namespace {

json::object CannedJson(const store::CannedReply& c) {
  return json::object{{"id", c.id}, {"shortcut", c.shortcut}, {"content", c.content},
                      {"created_at", FormatTimestamp(c.created_at)}};
}

asio::awaitable<HttpResponse> List(ApiContext* ctx, HttpRequest req) {
  LINGXI_AUTH_OR_RETURN(user, ctx, req);
  const domain::Id account = user.account_id;
  auto job1 = [account](store::ReadTx& tx) { return tx.ListCannedReplies(account); };
  auto list = co_await ReadOnWorkers(ctx, std::move(job1));
  if (!list.ok()) co_return ErrorResponse(list.status());
  json::array arr;
  for (const auto& c : *list) arr.push_back(CannedJson(c));
  co_return JsonResponse(200, json::object{{"canned_replies", std::move(arr)}});
}

asio::awaitable<HttpResponse> Create(ApiContext* ctx, HttpRequest req) {
  LINGXI_ADMIN_OR_RETURN(user, ctx, req, "only admins can change canned replies");
  auto parsed = ParseJsonObject(req);
  if (auto* err = std::get_if<HttpResponse>(&parsed)) co_return std::move(*err);
  const auto& body = std::get<json::object>(parsed);
  auto shortcut = ReqString(body, "shortcut", 200);
  if (!shortcut.ok()) co_return ErrorResponse(shortcut.status());
  auto content = ReqString(body, "content", 32 * 1024);
  if (!content.ok()) co_return ErrorResponse(content.status());
  std::string_view sc = TrimWhitespace(*shortcut);
  if (!sc.empty() && sc.front() == '/') sc.remove_prefix(1);
  if (sc.empty()) co_return ErrorResponse(InvalidArgument("shortcut must not be empty"));
  if (Utf8Length(sc) > 32) co_return ErrorResponse(InvalidArgument("shortcut is longer than 32 characters"));
  for (unsigned char ch : sc)
    if (ch <= ' ' || ch == '/' || ch == 0x7f) co_return ErrorResponse(InvalidArgument("shortcut must not contain spaces, controls or '/'"));
  store::CannedReply c;
  c.account_id = user.account_id;
  c.shortcut = std::string(sc);
  c.content = std::string(TrimWhitespace(*content));
  if (c.content.empty()) co_return ErrorResponse(InvalidArgument("content must not be empty"));
  if (Utf8Length(c.content) > 5000) co_return ErrorResponse(InvalidArgument("content is longer than 5000 characters"));
  c.created_at = NowMillis();
  store::Store* store = ctx->store;
  auto job2 = [store, c]() mutable -> Result<store::CannedReply> {
    Status s = store->WriteSync([&](store::WriteTx& tx) -> Status {
      LINGXI_ASSIGN_OR_RETURN(c.id, tx.InsertCannedReply(c));
      return Status::Ok();
    });
    if (s.code() == StatusCode::kAlreadyExists) return AlreadyExists("a canned reply with this shortcut already exists");
    if (!s.ok()) return s;
    return c;
  };
  auto r = co_await server::RunBlocking(*ctx->workers, std::move(job2));
  if (!r.ok()) co_return ErrorResponse(r.status());
  co_return JsonResponse(201, CannedJson(*r));
}

asio::awaitable<HttpResponse> Delete(ApiContext* ctx, HttpRequest req) {
  LINGXI_ADMIN_OR_RETURN(user, ctx, req, "only admins can change canned replies");
  auto id = ParseId(req.params["id"], "canned reply id");
  if (!id.ok()) co_return ErrorResponse(id.status());
  store::Store* store = ctx->store;
  const domain::Id account = user.account_id, cid = *id;
  auto job3 = [store, account, cid]() {
    return store->WriteSync([=](store::WriteTx& tx) { return tx.DeleteCannedReply(account, cid); });
  };
  Status s = co_await server::RunBlocking(*ctx->workers, std::move(job3));
  if (!s.ok()) co_return ErrorResponse(s);
  co_return JsonResponse(200, json::object{{"deleted", true}, {"id", cid}});
}

}  // namespace

void RegisterCannedRoutes(server::Router& router, ApiContext* ctx) {
  router.Add("GET", "/api/v1/canned_replies", [ctx](HttpRequest r) { return List(ctx, std::move(r)); });
  router.Add("POST", "/api/v1/canned_replies", [ctx](HttpRequest r) { return Create(ctx, std::move(r)); });
  router.Add("DELETE", "/api/v1/canned_replies/{id}", [ctx](HttpRequest r) { return Delete(ctx, std::move(r)); });
}

}  // namespace lingxi::api
