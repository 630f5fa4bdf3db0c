// What the AI agent did, for admins:
//   GET /api/v1/messages/{id}/trace                  the stored trace of one bot answer: prompt sent
//                                                    (masked), passages, tool calls, timings, fallback
//   GET /api/v1/llm/usage?conversation_id=N&since=MS token usage totals (account, or one conversation)
//   GET /api/v1/automation                           the account's tools and playbooks in use
//   POST /api/v1/automation/reload                   re-read them from the automation directory
//   PUT|DELETE /api/v1/automation/playbooks/{id}     define or remove one playbook (or fixed-answer intent)
#include <boost/json.hpp>

#include "api/api.h"
#include "api/http_status.h"
#include "api/request_utils.h"
#include "server/blocking.h"

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

json::object AutomationJson(const bot::Automation* a) {
  json::array tools, playbooks;
  if (a && a->tools) {
    for (const auto& t : a->tools->tools())
      tools.push_back(json::object{{"name", t.name}, {"method", t.method}, {"acts_for_customer", !t.customer_param.empty()}});
  }
  if (a && a->flows) {
    for (const auto& pb : a->flows->playbooks().playbooks()) {
      playbooks.push_back(json::object{{"id", pb.id}, {"title", json::object{{"zh", pb.title.Get("zh")}, {"en", pb.title.Get("en")}}},
                                       {"examples", pb.examples_zh.size() + pb.examples_en.size()},
                                       {"steps", pb.steps.size()},
                                       {"needs_customer", PlaybookNeedsCustomer(*a, pb)}});
    }
  }
  return json::object{{"tools", std::move(tools)}, {"playbooks", std::move(playbooks)},
                      {"router", a && a->router != nullptr}};
}

asio::awaitable<HttpResponse> GetAutomation(ApiContext* ctx, HttpRequest req) {
  LINGXI_ADMIN_OR_RETURN(user, ctx, req, "only admins can see the automation");
  auto a = ctx->assistant ? ctx->assistant->GetAutomation(user.account_id) : nullptr;
  co_return JsonResponse(200, AutomationJson(a.get()));
}

asio::awaitable<HttpResponse> ReloadAutomation(ApiContext* ctx, HttpRequest req) {
  LINGXI_ADMIN_OR_RETURN(user, ctx, req, "only admins can change the automation");
  if (!ctx->automation || (ctx->ready && !ctx->ready->load(std::memory_order_acquire)))
    co_return ErrorResponse(Unavailable("automation is not available (the server is starting)"));
  AutomationAdmin* admin = ctx->automation;
  const domain::Id account = user.account_id;
  auto job = [admin, account]() { return admin->Reload(account); };
  auto r = co_await server::RunBlocking(*ctx->workers, std::move(job));
  if (!r.ok()) co_return ErrorResponse(r.status());
  co_return JsonResponse(200, AutomationJson(r->get()));
}

// PUT (body = the playbook JSON, as in docs/flows.md) or DELETE one playbook by id.
asio::awaitable<HttpResponse> ChangePlaybook(ApiContext* ctx, HttpRequest req, bool del) {
  LINGXI_ADMIN_OR_RETURN(user, ctx, req, "only admins can change the automation");
  if (!ctx->automation || (ctx->ready && !ctx->ready->load(std::memory_order_acquire)))
    co_return ErrorResponse(Unavailable("automation is not available (the server is starting)"));
  const std::string id = req.params["id"];
  json::object body;
  if (!del) {
    auto parsed = ParseJsonObject(req);
    if (auto* err = std::get_if<HttpResponse>(&parsed)) co_return std::move(*err);
    body = std::move(std::get<json::object>(parsed));
  }
  AutomationAdmin* admin = ctx->automation;
  const domain::Id account = user.account_id;
  auto job = [admin, account, id, del, body = std::move(body)]() mutable {
    return del ? admin->DeletePlaybook(account, id) : admin->PutPlaybook(account, id, std::move(body));
  };
  auto r = co_await server::RunBlocking(*ctx->workers, std::move(job));
  if (!r.ok()) co_return ErrorResponse(r.status());
  co_return JsonResponse(200, AutomationJson(r->get()));
}

}  // namespace

void RegisterBotRoutes(server::Router& router, ApiContext* ctx) {
  router.Add("GET", "/api/v1/messages/{id}/trace", [ctx](HttpRequest r) { return Trace(ctx, std::move(r)); });
  router.Add("GET", "/api/v1/llm/usage", [ctx](HttpRequest r) { return Usage(ctx, std::move(r)); });
  router.Add("GET", "/api/v1/automation", [ctx](HttpRequest r) { return GetAutomation(ctx, std::move(r)); });
  router.Add("POST", "/api/v1/automation/reload", [ctx](HttpRequest r) { return ReloadAutomation(ctx, std::move(r)); });
  router.Add("PUT", "/api/v1/automation/playbooks/{id}",
             [ctx](HttpRequest r) { return ChangePlaybook(ctx, std::move(r), false); });
  router.Add("DELETE", "/api/v1/automation/playbooks/{id}",
             [ctx](HttpRequest r) { return ChangePlaybook(ctx, std::move(r), true); });
}

}  // namespace lingxi::api
