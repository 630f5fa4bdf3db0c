// /healthz, /readyz, /metrics.
#include <boost/json.hpp>

#include "api/api.h"
#include "api/request_utils.h"
#include "core/metrics.h"

namespace lingxi::api {

namespace {

boost::asio::awaitable<server::HttpResponse> Healthz(ApiContext*, server::HttpRequest) {
  co_return JsonResponse(200, boost::json::object{{"status", "ok"}});
}

boost::asio::awaitable<server::HttpResponse> Readyz(ApiContext* ctx, server::HttpRequest) {
  if (ctx->ready && ctx->ready->load()) co_return JsonResponse(200, boost::json::object{{"status", "ready"}});
  co_return JsonResponse(503, boost::json::object{{"status", "not_ready"}});
}

boost::asio::awaitable<server::HttpResponse> Metrics(ApiContext* ctx, server::HttpRequest) {
  auto& r = MetricsRegistry::Global();
  auto st = ctx->store->GetStats();
  r.GetGauge("lingxi_store_commits", "Store transactions committed (group commits)")->Set(static_cast<int64_t>(st.commits));
  r.GetGauge("lingxi_store_writes", "Store write jobs executed")->Set(static_cast<int64_t>(st.writes));
  r.GetGauge("lingxi_store_max_batch", "Largest group-commit batch")->Set(static_cast<int64_t>(st.max_batch));
  r.GetGauge("lingxi_store_queue_depth", "Store write jobs waiting")->Set(static_cast<int64_t>(st.queue_depth));
  r.GetGauge("lingxi_store_checkpoints", "WAL checkpoints run by the background checkpointer")
      ->Set(static_cast<int64_t>(st.checkpoints));
  r.GetGauge("lingxi_store_writer_checkpoints", "WAL checkpoints the writer finished itself at the WAL size limit")
      ->Set(static_cast<int64_t>(st.writer_checkpoints));
  r.GetGauge("lingxi_cached_conversations", "Conversations held in memory")
      ->Set(static_cast<int64_t>(ctx->conversations->cached_conversations()));
  server::HttpResponse res;
  res.content_type = "text/plain; version=0.0.4; charset=utf-8";
  res.body = r.Render();
  co_return res;
}

}  // namespace

void RegisterSystemRoutes(server::Router& router, ApiContext* ctx) {
  router.Add("GET", "/healthz", [ctx](server::HttpRequest r) { return Healthz(ctx, std::move(r)); });
  router.Add("GET", "/readyz", [ctx](server::HttpRequest r) { return Readyz(ctx, std::move(r)); });
  router.Add("GET", "/metrics", [ctx](server::HttpRequest r) { return Metrics(ctx, std::move(r)); });
}

}  // namespace lingxi::api
