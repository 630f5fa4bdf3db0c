// Agent assist: POST /api/v1/conversations/{id}/assist (any agent of the conversation's account)
// -> {"summary", "drafts": [{"text", "sources"}], "by": "llm" | "extractive", "note"?}; and
// translation: POST /api/v1/conversations/{id}/translate {"target": "zh" | "en"} -> the customer's
// messages in another language, translated: {"target", "translations": [{"message_id", "text"}]}.
#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include "api/api.h"
#include "api/http_status.h"
#include "api/request_utils.h"
#include "nlu/signals.h"
#include "server/blocking.h"

namespace lingxi::api {

namespace asio = boost::asio;
namespace json = boost::json;
using server::HttpRequest;
using server::HttpResponse;

namespace {

constexpr size_t kTranscriptMessages = 40;

json::object AssistJson(const bot::AssistResult& r) {
  json::array drafts;
  for (const auto& d : r.drafts) {
    json::array sources;
    for (const auto& s : d.sources) sources.push_back(json::object{{"id", s.id}, {"title", s.title}});
    drafts.push_back(json::object{{"text", d.text}, {"sources", std::move(sources)}});
  }
  json::object o{{"summary", r.summary}, {"drafts", std::move(drafts)}, {"by", r.by}};
  if (!r.note.empty()) o["note"] = r.note;
  return o;
}

asio::awaitable<HttpResponse> Assist(ApiContext* ctx, HttpRequest req) {
  LINGXI_AUTH_OR_RETURN(user, ctx, req);
  auto id = ParseId(req.params["id"], "conversation id");
  if (!id.ok()) co_return ErrorResponse(id.status());
  if (!ctx->assist) co_return ErrorResponse(Unavailable("agent assist is not configured"));
  store::Store* store = ctx->store;
  const bot::Bot* bot = ctx->bot;
  const domain::Id account = user.account_id, conv_id = *id;
  auto job = [store, bot, account, conv_id] {
    return bot::LoadAssistRequest(*store, *bot, account, conv_id, kTranscriptMessages);
  };
  auto request = co_await server::RunBlocking(*ctx->workers, std::move(job));
  if (!request.ok()) co_return ErrorResponse(request.status());
  const bot::AgentAssist* assist = ctx->assist;
  asio::thread_pool* workers = ctx->workers;
  // The knowledge lookups run on a worker; the LLM call, if any, on the HTTP client's loop.
  auto start = [assist, workers, r = std::move(*request)](std::function<void(bot::AssistResult)> cb) mutable {
    asio::post(*workers, [assist, r = std::move(r), cb = std::move(cb)]() mutable { assist->Run(std::move(r), std::move(cb)); });
  };
  bot::AssistResult result = co_await server::AwaitCallback<bot::AssistResult>(std::move(start));
  co_return JsonResponse(200, AssistJson(result));
}

constexpr size_t kTranslateMessages = 50;

asio::awaitable<HttpResponse> Translate(ApiContext* ctx, HttpRequest req) {
  LINGXI_AUTH_OR_RETURN(user, ctx, req);
  auto id = ParseId(req.params["id"], "conversation id");
  if (!id.ok()) co_return ErrorResponse(id.status());
  auto parsed = ParseJsonObject(req);
  if (auto* err = std::get_if<HttpResponse>(&parsed)) co_return std::move(*err);
  auto target = ReqString(std::get<json::object>(parsed), "target", 8);
  if (!target.ok()) co_return ErrorResponse(target.status());
  if (*target != "zh" && *target != "en") co_return ErrorResponse(InvalidArgument("target must be \"zh\" or \"en\""));
  if (Status a = ctx->translator ? ctx->translator->Available() : Unavailable("translation is not configured"); !a.ok())
    co_return ErrorResponse(a);
  store::Store* store = ctx->store;
  const bot::Bot* bot = ctx->bot;
  const domain::Id account = user.account_id, conv_id = *id;
  const std::string to = *target;
  // The customer's messages written in another language than the agent's.
  auto job = [store, bot, account, conv_id, to]() -> Result<std::vector<bot::TranslateItem>> {
    std::vector<domain::Message> messages;
    LINGXI_RETURN_IF_ERROR(store->Read([&](store::ReadTx& tx) -> Status {
      LINGXI_RETURN_IF_ERROR(tx.GetConversation(account, conv_id).status());
      LINGXI_ASSIGN_OR_RETURN(messages, tx.RecentMessages(account, conv_id, kTranslateMessages));
      return Status::Ok();
    }));
    std::vector<bot::TranslateItem> items;
    for (const auto& m : messages) {
      if (m.sender_type != domain::SenderType::kContact) continue;
      const std::string lang = nlu::AnalyzeSignals(bot->normalizer(), m.content).language;
      if (!lang.empty() && lang != to) items.push_back({m.id, m.content});
    }
    return items;
  };
  auto items = co_await server::RunBlocking(*ctx->workers, std::move(job));
  if (!items.ok()) co_return ErrorResponse(items.status());
  std::vector<domain::Id> ids;
  for (const auto& i : *items) ids.push_back(i.message_id);
  json::array out;
  if (!items->empty()) {
    bot::Translator* translator = ctx->translator;
    auto start = [translator, account, conv_id, to, its = std::move(*items)](
                     std::function<void(Result<std::vector<std::string>>)> cb) mutable {
      translator->Translate(account, conv_id, std::move(its), to, std::move(cb));
    };
    auto texts = co_await server::AwaitCallback<Result<std::vector<std::string>>>(std::move(start));
    if (!texts.ok()) co_return ErrorResponse(texts.status());
    for (size_t i = 0; i < ids.size(); ++i) out.push_back(json::object{{"message_id", ids[i]}, {"text", (*texts)[i]}});
  }
  co_return JsonResponse(200, json::object{{"target", to}, {"translations", std::move(out)}});
}

}  // namespace

void RegisterAssistRoutes(server::Router& router, ApiContext* ctx) {
  router.Add("POST", "/api/v1/conversations/{id}/assist", [ctx](HttpRequest r) { return Assist(ctx, std::move(r)); });
  router.Add("POST", "/api/v1/conversations/{id}/translate", [ctx](HttpRequest r) { return Translate(ctx, std::move(r)); });
}

}  // namespace lingxi::api
