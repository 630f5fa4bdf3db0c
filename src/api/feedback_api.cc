// Customer feedback:
//   POST /api/v1/widget/conversations/{id}/messages/{mid}/feedback  {"rating":"up"|"down"}
//   POST /api/v1/widget/conversations/{id}/rating                   {"score":1..5,"comment"?}
//   GET  /api/v1/feedback?rating=down|up&limit=N                    (agents: answers to fix)
#include <boost/json.hpp>

#include "api/api.h"
#include "api/http_status.h"
#include "api/request_utils.h"
#include "core/clock.h"
#include "server/blocking.h"

namespace lingxi::api {

namespace asio = boost::asio;
namespace json = boost::json;
using server::HttpRequest;
using server::HttpResponse;

namespace {

constexpr size_t kMaxCommentBytes = 2000;

asio::awaitable<HttpResponse> MessageFeedback(ApiContext* ctx, HttpRequest req) {
  auto claims = AuthorizeCustomer(ctx, req);
  if (!claims.ok()) co_return ErrorResponse(claims.status());
  auto mid = ParseId(req.params["mid"], "message id");
  if (!mid.ok()) co_return ErrorResponse(mid.status());
  auto parsed = ParseJsonObject(req);
  if (auto* err = std::get_if<HttpResponse>(&parsed)) co_return std::move(*err);
  auto rating = ReqString(std::get<json::object>(parsed), "rating", 8);
  if (!rating.ok()) co_return ErrorResponse(rating.status());
  if (*rating != "up" && *rating != "down")
    co_return ErrorResponse(InvalidArgument("rating must be \"up\" or \"down\""));
  store::MessageFeedback f;
  f.account_id = claims->account_id;
  f.conversation_id = claims->conversation_id;
  f.message_id = *mid;
  f.rating = *rating == "up" ? 1 : -1;
  f.created_at = NowMillis();
  store::Store* store = ctx->store;
  auto job = [store, f]() { return store->WriteSync([f](store::WriteTx& tx) { return tx.UpsertMessageFeedback(f); }); };
  Status s = co_await server::RunBlocking(*ctx->workers, std::move(job));
  if (!s.ok()) co_return ErrorResponse(s);
  co_return JsonResponse(200, json::object{{"message_id", f.message_id}, {"rating", *rating}});
}

asio::awaitable<HttpResponse> Rate(ApiContext* ctx, HttpRequest req) {
  auto claims = AuthorizeCustomer(ctx, req);
  if (!claims.ok()) co_return ErrorResponse(claims.status());
  auto parsed = ParseJsonObject(req);
  if (auto* err = std::get_if<HttpResponse>(&parsed)) co_return std::move(*err);
  const auto& body = std::get<json::object>(parsed);
  auto score = OptInt(body, "score");
  if (!score.ok()) co_return ErrorResponse(score.status());
  if (!*score || **score < 1 || **score > 5) co_return ErrorResponse(InvalidArgument("score must be an integer 1..5"));
  auto comment = OptString(body, "comment", kMaxCommentBytes);
  if (!comment.ok()) co_return ErrorResponse(comment.status());
  store::ConversationRating r;
  r.account_id = claims->account_id;
  r.conversation_id = claims->conversation_id;
  r.score = static_cast<int>(**score);
  r.comment = comment->value_or("");
  r.created_at = NowMillis();
  store::Store* store = ctx->store;
  auto job = [store, r]() { return store->WriteSync([r](store::WriteTx& tx) { return tx.UpsertConversationRating(r); }); };
  Status s = co_await server::RunBlocking(*ctx->workers, std::move(job));
  if (!s.ok()) co_return ErrorResponse(s);
  co_return JsonResponse(200, json::object{{"conversation_id", r.conversation_id}, {"score", r.score}});
}

asio::awaitable<HttpResponse> ListFeedback(ApiContext* ctx, HttpRequest req) {
  LINGXI_AUTH_OR_RETURN(user, ctx, req);
  int rating = 0;
  if (const auto* q = req.Query("rating")) {
    if (*q == "down") {
      rating = -1;
    } else if (*q == "up") {
      rating = 1;
    } else if (*q != "all") {
      co_return ErrorResponse(InvalidArgument("rating must be up, down or all"));
    }
  }
  int64_t limit = 100;
  if (const auto* l = req.Query("limit")) {
    auto v = ParseId(*l, "limit");
    if (!v.ok()) co_return ErrorResponse(v.status());
    limit = std::min<int64_t>(*v, 500);
  }
  store::Store* store = ctx->store;
  const domain::Id account = user.account_id;
  struct Lists {
    std::vector<store::MessageFeedback> feedback;
    std::vector<store::ConversationRating> ratings;
  };
  auto job = [store, account, rating, limit]() -> Result<Lists> {
    Lists out;
    LINGXI_RETURN_IF_ERROR(store->Read([&](store::ReadTx& tx) -> Status {
      LINGXI_ASSIGN_OR_RETURN(out.feedback, tx.ListMessageFeedback(account, rating, static_cast<int>(limit)));
      LINGXI_ASSIGN_OR_RETURN(out.ratings, tx.ListConversationRatings(account, static_cast<int>(limit)));
      return Status::Ok();
    }));
    return out;
  };
  auto lists = co_await server::RunBlocking(*ctx->workers, std::move(job));
  if (!lists.ok()) co_return ErrorResponse(lists.status());
  json::array feedback;
  for (const auto& f : lists->feedback) {
    boost::system::error_code ec;
    json::value meta = f.message_meta.empty() ? json::value(nullptr) : json::parse(f.message_meta, ec);
    if (ec) meta = nullptr;
    feedback.push_back(json::object{{"message_id", f.message_id},
                                    {"conversation_id", f.conversation_id},
                                    {"rating", f.rating > 0 ? "up" : "down"},
                                    {"content", f.message_content},
                                    {"meta", std::move(meta)},
                                    {"created_at", FormatTimestamp(f.created_at)}});
  }
  json::array ratings;
  for (const auto& r : lists->ratings) {
    ratings.push_back(json::object{{"conversation_id", r.conversation_id},
                                   {"score", r.score},
                                   {"comment", r.comment},
                                   {"created_at", FormatTimestamp(r.created_at)}});
  }
  co_return JsonResponse(200, json::object{{"feedback", std::move(feedback)}, {"ratings", std::move(ratings)}});
}

}  // namespace

void RegisterFeedbackRoutes(server::Router& router, ApiContext* ctx) {
  router.Add("POST", "/api/v1/widget/conversations/{id}/messages/{mid}/feedback",
             [ctx](HttpRequest r) { return MessageFeedback(ctx, std::move(r)); });
  router.Add("POST", "/api/v1/widget/conversations/{id}/rating", [ctx](HttpRequest r) { return Rate(ctx, std::move(r)); });
  router.Add("GET", "/api/v1/feedback", [ctx](HttpRequest r) { return ListFeedback(ctx, std::move(r)); });
}

}  // namespace lingxi::api
