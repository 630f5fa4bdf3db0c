// What the AI agent did, for admins:
//   GET /api/v1/messages/{id}/trace                  the stored trace of one bot answer: prompt sent
//                                                    (masked), passages, tool calls, timings, fallback
//   GET /api/v1/llm/usage?conversation_id=N&since=MS token usage totals (account, or one conversation)
#include <boost/json.hpp>

#include "api/api.h"
#include "api/http_status.h"
#include "api/request_utils.h"

namespace lingxi::api {

namespace asio = boost::asio;
namespace json = boost::json;
using server::HttpRequest;
using server::HttpResponse;

namespace {

asio::awaitable<HttpResponse> Trace(ApiContext* ctx, HttpRequest req) {
  LINGXI_ADMIN_OR_RETURN(user, ctx, req, "only admins can see bot traces");
  auto id = ParseId(req.params["id"], "message id");
  if (!id.ok()) co_return ErrorResponse(id.status());
  const domain::Id account = user.account_id, message = *id;
  auto query = [account, message](store::ReadTx& tx) { return tx.GetBotTrace(account, message); };
  auto trace = co_await ReadOnWorkers(ctx, std::move(query));
  if (!trace.ok()) co_return ErrorResponse(trace.status());
  boost::system::error_code ec;
  json::value v = json::parse(*trace, ec);
  if (ec) co_return ErrorResponse(Internal("stored trace is not JSON"));
  co_return JsonResponse(200, json::object{{"message_id", message}, {"trace", std::move(v)}});
}

asio::awaitable<HttpResponse> Usage(ApiContext* ctx, HttpRequest req) {
  LINGXI_ADMIN_OR_RETURN(user, ctx, req, "only admins can see LLM usage");
  domain::Id conversation = 0;
  int64_t since = 0;
  if (const auto* c = req.Query("conversation_id")) {
    auto parsed = ParseId(*c, "conversation_id");
    if (!parsed.ok()) co_return ErrorResponse(parsed.status());
    conversation = *parsed;
  }
  if (const auto* s = req.Query("since")) {
    auto parsed = ParseId(*s, "since");
    if (!parsed.ok()) co_return ErrorResponse(parsed.status());
    since = *parsed;
  }
  const domain::Id account = user.account_id;
  auto query = [account, conversation, since](store::ReadTx& tx) { return tx.SumLlmUsage(account, conversation, since); };
  auto totals = co_await ReadOnWorkers(ctx, std::move(query));
  if (!totals.ok()) co_return ErrorResponse(totals.status());
  json::object o{{"answers", totals->answers},
                 {"prompt_tokens", totals->prompt_tokens},
                 {"completion_tokens", totals->completion_tokens},
                 {"cache_hit_tokens", totals->cache_hit_tokens}};
  if (conversation) o["conversation_id"] = conversation;
  co_return JsonResponse(200, o);
}

}  // namespace

void RegisterBotRoutes(server::Router& router, ApiContext* ctx) {
  router.Add("GET", "/api/v1/messages/{id}/trace", [ctx](HttpRequest r) { return Trace(ctx, std::move(r)); });
  router.Add("GET", "/api/v1/llm/usage", [ctx](HttpRequest r) { return Usage(ctx, std::move(r)); });
}

}  // namespace lingxi::api
