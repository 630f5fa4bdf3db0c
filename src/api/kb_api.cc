// Knowledge base administration (reads: any agent; writes: admins):
//   GET|POST /api/v1/kb/articles, GET|PUT|DELETE /api/v1/kb/articles/{id}
//   GET /api/v1/kb/search?q=...&limit=   (matches with scores + what the bot would answer)
//   POST /api/v1/kb/import {"format":"markdown"|"csv","content":"..."}   (admins)
#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include "api/api.h"
#include "api/http_status.h"
#include "api/json_views.h"
#include "api/request_utils.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/utf8.h"
#include "kb/importer.h"
#include "server/blocking.h"

namespace lingxi::api {

namespace asio = boost::asio;
namespace json = boost::json;
using server::HttpRequest;
using server::HttpResponse;

namespace {

// The playbook router learns the knowledge base's questions as "not a playbook": retrain it in
// the background after a change (the current router serves meanwhile).
void RetrainPlaybookRouter(ApiContext* ctx, domain::Id account) {
  if (!ctx->automation || (ctx->ready && !ctx->ready->load(std::memory_order_acquire))) return;
  AutomationAdmin* admin = ctx->automation;
  asio::post(*ctx->workers, [admin, account] {
    auto r = admin->Reload(account);
    if (!r.ok() && r.status().code() != StatusCode::kNotFound)
      LOG_WARN("playbook router of account {} not retrained after a knowledge change: {}", account,
               r.status().ToString());
  });
}


// Validates an article body from JSON. `partial`: PUT may omit fields (keep old values).
Status ArticleFromJson(const json::object& o, bool partial, domain::Article* a) {
  LINGXI_ASSIGN_OR_RETURN(auto title, OptString(o, "title", 1000));
  LINGXI_ASSIGN_OR_RETURN(auto body, OptString(o, "body", 100 * 1024));
  LINGXI_ASSIGN_OR_RETURN(auto questions, OptStringArray(o, "questions", 50, 1000));
  LINGXI_ASSIGN_OR_RETURN(auto tags, OptStringArray(o, "tags", 20, 100));
  LINGXI_ASSIGN_OR_RETURN(auto language, OptString(o, "language", 16));
  if (title) a->title = std::string(TrimWhitespace(*title));
  if (body) a->body = std::string(TrimWhitespace(*body));
  if (questions) a->questions = std::move(*questions);
  if (tags) a->tags = std::move(*tags);
  if (language) a->language = *language;
  if (!partial && !title) return InvalidArgument("title is required");
  if (!partial && !body) return InvalidArgument("body is required");
  if (a->title.empty()) return InvalidArgument("title must not be empty");
  if (Utf8Length(a->title) > 200) return InvalidArgument("title is longer than 200 characters");
  if (a->body.empty()) return InvalidArgument("body must not be empty");
  if (Utf8Length(a->body) > 20000) return InvalidArgument("body is longer than 20000 characters");
  if (a->language.empty()) {
    bool cjk = false;
    for (unsigned char ch : a->title) cjk |= ch >= 0xE0;
    a->language = cjk ? "zh" : "en";
  }
  for (char ch : a->language)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-'))
      return InvalidArgument("language must be a language tag such as zh or en");
  return Status::Ok();
}

asio::awaitable<HttpResponse> List(ApiContext* ctx, HttpRequest req) {
  LINGXI_AUTH_OR_RETURN(user, ctx, req);
  const domain::Id account = user.account_id;
  auto job1 = [account](store::ReadTx& tx) { return tx.ListArticles(account); };
  auto list = co_await ReadOnWorkers(ctx, std::move(job1));
  if (!list.ok()) co_return ErrorResponse(list.status());
  json::array arr;
  for (const auto& a : *list) arr.push_back(ArticleJson(a));
  co_return JsonResponse(200, json::object{{"articles", std::move(arr)}});
}

asio::awaitable<HttpResponse> GetOne(ApiContext* ctx, HttpRequest req) {
  LINGXI_AUTH_OR_RETURN(user, ctx, req);
  auto id = ParseId(req.params["id"], "article id");
  if (!id.ok()) co_return ErrorResponse(id.status());
  const domain::Id account = user.account_id, article_id = *id;
  auto job2 = [account, article_id](store::ReadTx& tx) { return tx.GetArticle(account, article_id); };
  auto a = co_await ReadOnWorkers(ctx, std::move(job2));
  if (!a.ok()) co_return ErrorResponse(a.status());
  co_return JsonResponse(200, ArticleJson(*a));
}

// Create (id == 0), update (id > 0, body present) or delete (id > 0, del).
asio::awaitable<HttpResponse> Mutate(ApiContext* ctx, HttpRequest req, bool create, bool del) {
  LINGXI_ADMIN_OR_RETURN(user, ctx, req, "only admins can change the knowledge base");
  domain::Id article_id = 0;
  if (!create) {
    auto id = ParseId(req.params["id"], "article id");
    if (!id.ok()) co_return ErrorResponse(id.status());
    article_id = *id;
  }
  json::object body;
  if (!del) {
    auto parsed = ParseJsonObject(req);
    if (auto* err = std::get_if<HttpResponse>(&parsed)) co_return std::move(*err);
    body = std::move(std::get<json::object>(parsed));
    if (create) {
      domain::Article probe;
      if (Status s = ArticleFromJson(body, false, &probe); !s.ok()) co_return ErrorResponse(s);
    }
  }
  store::Store* store = ctx->store;
  kb::KnowledgeBase* knowledge = ctx->knowledge;
  const domain::Id account = user.account_id;
  auto job3 = [ctx, store, knowledge, account, article_id, body, create, del]() -> Result<domain::Article> {
        domain::Article a;
        Status s = store->WriteSync([&](store::WriteTx& tx) -> Status {
          const int64_t now = NowMillis();
          if (create) {
            a.account_id = account;
            LINGXI_RETURN_IF_ERROR(ArticleFromJson(body, false, &a));
            a.created_at = a.updated_at = now;
            LINGXI_ASSIGN_OR_RETURN(a.id, tx.InsertArticle(a));
            return Status::Ok();
          }
          LINGXI_ASSIGN_OR_RETURN(a, tx.GetArticle(account, article_id));
          if (del) return tx.DeleteArticle(account, article_id);
          LINGXI_RETURN_IF_ERROR(ArticleFromJson(body, true, &a));
          a.updated_at = now;
          return tx.UpdateArticle(a);
        });
        if (!s.ok()) return s;
        // The bot sees the change from its next turn on.
        if (Status rs = knowledge->Reload(account); !rs.ok())
          LOG_ERROR("knowledge reload for account {} failed: {}", account, rs.ToString());
        RetrainPlaybookRouter(ctx, account);
        return a;
      };
  auto r = co_await server::RunBlocking(*ctx->workers, std::move(job3));
  if (!r.ok()) co_return ErrorResponse(r.status());
  if (del) co_return JsonResponse(200, json::object{{"deleted", true}, {"id", article_id}});
  co_return JsonResponse(create ? 201 : 200, ArticleJson(*r));
}

// Imports articles from an uploaded Markdown article or CSV file (the request body limit
// applies). All or nothing: a parse error imports nothing and is a 422 naming the line/row.
asio::awaitable<HttpResponse> Import(ApiContext* ctx, HttpRequest req) {
  LINGXI_ADMIN_OR_RETURN(user, ctx, req, "only admins can change the knowledge base");
  auto parsed = ParseJsonObject(req);
  if (auto* err = std::get_if<HttpResponse>(&parsed)) co_return std::move(*err);
  const auto& body = std::get<json::object>(parsed);
  auto format = ReqString(body, "format", 16);
  if (!format.ok()) co_return ErrorResponse(format.status());
  auto content = ReqString(body, "content", kb::kMaxCsvFileBytes);
  if (!content.ok()) co_return ErrorResponse(content.status());
  std::vector<domain::Article> articles;
  if (*format == "markdown") {
    auto a = kb::ParseMarkdownArticle(*content);
    if (!a.ok()) co_return ErrorResponse(a.status());
    articles.push_back(std::move(*a));
  } else if (*format == "csv") {
    auto list = kb::ParseCsvArticles(*content);
    if (!list.ok()) co_return ErrorResponse(list.status());
    articles = std::move(*list);
  } else {
    co_return ErrorResponse(InvalidArgument("format must be \"markdown\" or \"csv\""));
  }
  if (articles.empty()) co_return ErrorResponse(InvalidArgument("the file contains no articles"));
  store::Store* store = ctx->store;
  kb::KnowledgeBase* knowledge = ctx->knowledge;
  const domain::Id account = user.account_id;
  auto job5 = [ctx, store, knowledge, account, articles = std::move(articles)]() mutable -> Result<std::vector<domain::Article>> {
    const int64_t now = NowMillis();
    LINGXI_RETURN_IF_ERROR(store->WriteSync([&](store::WriteTx& tx) -> Status {
      for (auto& a : articles) {
        a.account_id = account;
        a.created_at = a.updated_at = now;
        LINGXI_ASSIGN_OR_RETURN(a.id, tx.InsertArticle(a));
      }
      return Status::Ok();
    }));
    if (Status rs = knowledge->Reload(account); !rs.ok())
      LOG_ERROR("knowledge reload for account {} failed: {}", account, rs.ToString());
    RetrainPlaybookRouter(ctx, account);
    return articles;
  };
  auto r = co_await server::RunBlocking(*ctx->workers, std::move(job5));
  if (!r.ok()) co_return ErrorResponse(r.status());
  json::array ids;
  for (const auto& a : *r) ids.push_back(json::object{{"id", a.id}, {"title", a.title}});
  co_return JsonResponse(201, json::object{{"imported", r->size()}, {"errors", json::array()}, {"articles", std::move(ids)}});
}

asio::awaitable<HttpResponse> Search(ApiContext* ctx, HttpRequest req) {
  LINGXI_AUTH_OR_RETURN(user, ctx, req);
  const std::string* q = req.Query("q");
  if (!q || TrimWhitespace(*q).empty()) co_return ErrorResponse(InvalidArgument("q is required"));
  if (q->size() > 2000 || !IsValidUtf8(*q)) co_return ErrorResponse(InvalidArgument("q is too long or not UTF-8"));
  int64_t limit = 5;
  if (const auto* l = req.Query("limit")) {
    auto v = ParseId(*l, "limit");
    if (!v.ok()) co_return ErrorResponse(v.status());
    limit = std::min<int64_t>(*v, 20);
  }
  const bot::Bot* bot = ctx->bot;
  const domain::Id account = user.account_id;
  struct Out {
    std::vector<bot::Suggestion> hits;
    bot::Decision decision;
  };
  auto job4 = [bot, account, query = *q, limit]() {
    Out o;
    o.hits = bot->Suggest(account, query, static_cast<size_t>(limit));
    bot::TurnInput in;
    in.text = query;
    o.decision = bot->Decide(account, in);
    return o;
  };
  Out out = co_await server::RunBlocking(*ctx->workers, std::move(job4));
  json::array results;
  for (const auto& h : out.hits) {
    json::object r = ArticleJson(h.article);
    r["score"] = std::round(h.score * 1000) / 1000;
    r["coverage"] = std::round(h.coverage * 1000) / 1000;
    results.push_back(std::move(r));
  }
  json::object decision;
  decision["reply"] = out.decision.reply;
  boost::system::error_code ec;
  decision["meta"] = json::parse(out.decision.MetaJson(), ec);
  co_return JsonResponse(200, json::object{{"results", std::move(results)}, {"bot", std::move(decision)}});
}

}  // namespace

void RegisterKbRoutes(server::Router& router, ApiContext* ctx) {
  router.Add("GET", "/api/v1/kb/articles", [ctx](HttpRequest r) { return List(ctx, std::move(r)); });
  router.Add("POST", "/api/v1/kb/articles", [ctx](HttpRequest r) { return Mutate(ctx, std::move(r), true, false); });
  router.Add("GET", "/api/v1/kb/articles/{id}", [ctx](HttpRequest r) { return GetOne(ctx, std::move(r)); });
  router.Add("PUT", "/api/v1/kb/articles/{id}", [ctx](HttpRequest r) { return Mutate(ctx, std::move(r), false, false); });
  router.Add("DELETE", "/api/v1/kb/articles/{id}", [ctx](HttpRequest r) { return Mutate(ctx, std::move(r), false, true); });
  router.Add("POST", "/api/v1/kb/import", [ctx](HttpRequest r) { return Import(ctx, std::move(r)); });
  router.Add("GET", "/api/v1/kb/search", [ctx](HttpRequest r) { return Search(ctx, std::move(r)); });
}

}  // namespace lingxi::api
