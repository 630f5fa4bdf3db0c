// What the AI agent did, for admins:
//   GET /api/v1/messages/{id}/trace                  the stored trace of one bot answer: prompt sent
//                                                    (masked), passages, tool calls, timings, fallback
//   GET /api/v1/llm/usage?conversation_id=N&since=MS token usage totals (account, or one conversation)
//   GET /api/v1/automation                           the account's tools and playbooks in use
//   POST /api/v1/automation/reload                   re-read them from the automation directory
//   GET|PUT|DELETE /api/v1/automation/playbooks/{id} one playbook (or fixed-answer intent)
//   GET|PUT|DELETE /api/v1/automation/tools/{name}   one HTTP tool
//   PUT /api/v1/automation/allowlist                 the hosts tools may call
//   PUT|DELETE /api/v1/automation/secrets/{name}     a secret for tools' headers (write-only)
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
      tools.push_back(json::object{{"name", t.name}, {"method", t.method}, {"url", t.url_template},
                                   {"acts_for_customer", !t.customer_param.empty()}});
  }
  json::array allowlist, secrets;
  if (a && a->tools) {
    for (const auto& h : a->tools->allowlist().entries()) {
      json::object e{{"host", h.host}};
      if (h.port != 0) e["port"] = h.port;
      if (h.allow_private) e["allow_private"] = true;
      allowlist.push_back(std::move(e));
    }
    for (const auto& [name, value] : a->tools->secrets()) secrets.push_back(json::string(name));  // never the value
  }
  if (a && a->flows) {
    for (const auto& pb : a->flows->playbooks().playbooks()) {
      playbooks.push_back(json::object{{"id", pb.id}, {"title", json::object{{"zh", pb.title.Get("zh")}, {"en", pb.title.Get("en")}}},
                                       {"examples", pb.examples_zh.size() + pb.examples_en.size()},
                                       {"steps", pb.steps.size()},
                                       {"needs_customer", PlaybookNeedsCustomer(*a, pb)}});
    }
  }
  json::array written = a && a->tools ? a->tools->allowlist_as_written() : json::array();
  return json::object{{"tools", std::move(tools)}, {"playbooks", std::move(playbooks)},
                      {"router", a && a->router != nullptr}, {"allowlist", std::move(allowlist)},
                      {"allowlist_written", std::move(written)}, {"secrets", std::move(secrets)}};
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

// GET one stored definition, for editing: {"definition": {...}}.
asio::awaitable<HttpResponse> GetDefinition(ApiContext* ctx, HttpRequest req, bool tool) {
  LINGXI_ADMIN_OR_RETURN(user, ctx, req, "only admins can see the automation");
  if (!ctx->automation) co_return ErrorResponse(NotFound("no automation"));
  AutomationAdmin* admin = ctx->automation;
  auto job = [admin, account = user.account_id, tool, id = req.params["id"]] { return admin->Definition(account, tool, id); };
  auto r = co_await server::RunBlocking(*ctx->workers, std::move(job));
  if (!r.ok()) co_return ErrorResponse(r.status());
  co_return JsonResponse(200, json::object{{"definition", std::move(*r)}});
}

enum class Change { kPutPlaybook, kDeletePlaybook, kPutTool, kDeleteTool, kPutAllowlist, kPutSecret, kDeleteSecret };

// One change to the account's automation; the body (if any) is a JSON object: a playbook or a tool
// definition (docs/flows.md), {"allowlist": [...]}, or {"value": "..."} for a secret. Answers with
// the automation now in use (GET's form).
asio::awaitable<HttpResponse> ChangeAutomation(ApiContext* ctx, HttpRequest req, Change change) {
  LINGXI_ADMIN_OR_RETURN(user, ctx, req, "only admins can change the automation");
  if (!ctx->automation || (ctx->ready && !ctx->ready->load(std::memory_order_acquire)))
    co_return ErrorResponse(Unavailable("automation is not available (the server is starting)"));
  const bool has_body = change == Change::kPutPlaybook || change == Change::kPutTool ||
                        change == Change::kPutAllowlist || change == Change::kPutSecret;
  json::object body;
  if (has_body) {
    auto parsed = ParseJsonObject(req);
    if (auto* err = std::get_if<HttpResponse>(&parsed)) co_return std::move(*err);
    body = std::move(std::get<json::object>(parsed));
  }
  json::array allowlist;
  std::string secret;
  if (change == Change::kPutAllowlist) {
    const auto* v = body.if_contains("allowlist");
    if (!v || !v->is_array()) co_return ErrorResponse(InvalidArgument("body: {\"allowlist\": [\"host[:port]\", ...]}"));
    allowlist = v->get_array();
  } else if (change == Change::kPutSecret) {
    auto value = ReqString(body, "value", 4096);
    if (!value.ok()) co_return ErrorResponse(value.status());
    secret = std::move(*value);
  }
  AutomationAdmin* admin = ctx->automation;
  const domain::Id account = user.account_id;
  auto job = [admin, account, change, key = req.params["id"], body = std::move(body), allowlist = std::move(allowlist),
              secret = std::move(secret)]() mutable -> Result<std::shared_ptr<const bot::Automation>> {
    switch (change) {
      case Change::kPutPlaybook: return admin->PutPlaybook(account, key, std::move(body));
      case Change::kDeletePlaybook: return admin->DeletePlaybook(account, key);
      case Change::kPutTool: return admin->PutTool(account, key, std::move(body));
      case Change::kDeleteTool: return admin->DeleteTool(account, key);
      case Change::kPutAllowlist: return admin->PutAllowlist(account, std::move(allowlist));
      case Change::kPutSecret: return admin->PutSecret(account, key, std::move(secret));
      case Change::kDeleteSecret: return admin->DeleteSecret(account, key);
    }
    return Internal("unknown change");
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
  auto change = [&router, ctx](const char* method, const char* path, Change c) {
    router.Add(method, path, [ctx, c](HttpRequest r) { return ChangeAutomation(ctx, std::move(r), c); });
  };
  router.Add("GET", "/api/v1/automation/playbooks/{id}", [ctx](HttpRequest r) { return GetDefinition(ctx, std::move(r), false); });
  router.Add("GET", "/api/v1/automation/tools/{id}", [ctx](HttpRequest r) { return GetDefinition(ctx, std::move(r), true); });
  change("PUT", "/api/v1/automation/playbooks/{id}", Change::kPutPlaybook);
  change("DELETE", "/api/v1/automation/playbooks/{id}", Change::kDeletePlaybook);
  change("PUT", "/api/v1/automation/tools/{id}", Change::kPutTool);
  change("DELETE", "/api/v1/automation/tools/{id}", Change::kDeleteTool);
  change("PUT", "/api/v1/automation/allowlist", Change::kPutAllowlist);
  change("PUT", "/api/v1/automation/secrets/{id}", Change::kPutSecret);
  change("DELETE", "/api/v1/automation/secrets/{id}", Change::kDeleteSecret);
}

}  // namespace lingxi::api
