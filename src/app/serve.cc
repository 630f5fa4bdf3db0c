#include "app/serve.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "api/api.h"
#include "api/demo_shop.h"
#include "app/automation.h"
#include "llm/chat_client.h"
#include "net/http_client.h"
#include "api/static_api.h"
#include "app/demo_seed.h"
#include "core/crypto.h"
#include "core/log.h"
#include "nlu/normalizer.h"
#include "server/http_server.h"

namespace lingxi::app {

namespace asio = boost::asio;

namespace {

// Stops the loop once every connection has closed, or when `limit` has passed.
asio::awaitable<void> DrainThenStop(server::HttpServer* http, asio::io_context* ioc, std::chrono::milliseconds limit) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto until = std::chrono::steady_clock::now() + limit;
  while (http->active_connections() != 0 && std::chrono::steady_clock::now() < until) {
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(asio::use_awaitable);
  }
  ioc->stop();
}

// With an LLM configured, the model writes the handoff summary agents see in the queue: once a
// handoff is committed, the conversation is read on a worker, AgentAssist asks the model (its
// result is cached, so the agent who opens the conversation gets the same summary and drafts
// without another call), and the bot's extractive summary is replaced, unless the conversation
// moved on meanwhile. A model that fails leaves the extractive summary.
std::function<void(const domain::Conversation&)> HandoffSummarizer(asio::thread_pool* workers, store::Store* store,
                                                                   const bot::Bot* bot, const bot::AgentAssist* assist,
                                                                   conversations::ConversationService** service) {
  return [=](const domain::Conversation& c) {
    asio::post(*workers, [=, account = c.account_id, id = c.id, expected = c.handoff_summary] {
      auto request = bot::LoadAssistRequest(*store, *bot, account, id);
      if (!request.ok()) {
        LOG_WARN("conversation {}: handoff summary: {}", id, request.status().ToString());
        return;
      }
      assist->Run(std::move(*request), [=](bot::AssistResult r) {
        if (r.by != "llm" || r.summary.empty()) {
          LOG_INFO("conversation {}: the extractive handoff summary stays ({})", id, r.note);
          return;
        }
        // Off the HTTP client's loop: replacing may read the store.
        asio::post(*workers, [=, summary = std::move(r.summary)]() mutable {
          (*service)->ReplaceHandoffSummary(account, id, expected, std::move(summary),
                                            [id](Result<domain::Conversation> done) {
                                              if (!done.ok())
                                                LOG_INFO("conversation {}: handoff summary not replaced: {}", id,
                                                         done.status().ToString());
                                            });
        });
      });
    });
  };
}

}  // namespace

std::string DatabasePath(const Config& config) {
  return (std::filesystem::path(config.data_dir) / "lingxi.db").string();
}

int RunServe(const Config& config, const ServeFlags& flags) {
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    LOG_ERROR("cannot create data directory {}: {}", config.data_dir, ec.message());
    return 1;
  }
  store::StoreOptions so;
  so.path = DatabasePath(config);
  so.synchronous = config.synchronous;
  auto opened = store::OpenSqliteStore(so);
  if (!opened.ok()) {
    LOG_ERROR("cannot open store {}: {}", so.path, opened.status().ToString());
    return 1;
  }
  std::unique_ptr<store::Store> store = std::move(opened).value();
  LOG_INFO("store {} ready (schema v{})", so.path, store->SchemaVersion());

  auto secret = api::LoadOrCreateSecret(config.data_dir);
  if (!secret.ok()) {
    LOG_ERROR("{}", secret.status().ToString());
    return 1;
  }
  auto normalizer = nlu::Normalizer::Create();
  if (!normalizer.ok()) {
    LOG_ERROR("NLU start-up failed: {}", normalizer.status().ToString());
    return 1;
  }

  if (config.demo) {
    WorkspaceSpec spec;
    spec.account_name = "灵犀优选 Lingxi Select (demo)";
    spec.admin_email = "agent@demo.lingxi";
    spec.admin_name = "Demo Agent";
    spec.admin_password = "demo";
    spec.inbox_name = "Website chat";
    spec.widget_token = "demo";
    spec.kb_path = flags.demo_kb_dir;
    auto ws = EnsureWorkspace(store.get(), spec);
    if (!ws.ok()) {
      LOG_ERROR("demo workspace: {}", ws.status().ToString());
      return 1;
    }
    if (ws->created) LOG_INFO("demo workspace created: {} knowledge articles imported", ws->articles);
    if (auto canned = SeedDemoCannedReplies(store.get(), ws->account_id); !canned.ok()) {
      LOG_ERROR("demo canned replies: {}", canned.status().ToString());
      return 1;
    }
  }

  kb::KnowledgeBase knowledge(store.get(), *normalizer);
  bot::Bot bot(&knowledge);
  api::RealtimeHub hub;
  int io_threads = config.io_threads > 0 ? config.io_threads : static_cast<int>(std::thread::hardware_concurrency());
  if (io_threads < 1) io_threads = 1;
  asio::io_context ioc(io_threads);
  // Post-commit work (events, acknowledgements) runs on one strand of the I/O threads, in commit
  // order, so the store writer does nothing but SQLite and no extra thread is woken per turn.
  auto publish_strand = asio::make_strand(ioc);
  conversations::ServiceOptions service_options;
  service_options.dispatch = [publish_strand](std::function<void()> task) {
    asio::post(publish_strand, std::move(task));
  };
  // The AI agent: HTTP tools and playbooks always; the LLM when a key is configured.
  auto http_client = std::make_unique<net::HttpClient>();
  StoreUsageSink usage_sink(store.get(), config.llm_model);
  std::unique_ptr<llm::ChatClient> chat;
  if (config.llm_enabled()) {
    llm::ChatClientConfig cc;
    cc.base_url = config.llm_base_url;
    cc.model = config.llm_model;
    cc.api_key = config.llm_api_key;
    cc.timeout = std::chrono::seconds(config.llm_timeout_seconds);
    chat = std::make_unique<llm::ChatClient>(cc, http_client.get(), &usage_sink);
    LOG_INFO("LLM agent on: model {} at {} (deadline {} s)", config.llm_model, config.llm_base_url,
             config.llm_timeout_seconds);
  } else {
    LOG_INFO("no LLM key (LINGXI_LLM_API_KEY): the embedded engine answers alone");
  }
  bot::AssistantOptions assistant_options;
  assistant_options.llm_timeout = std::chrono::seconds(config.llm_timeout_seconds);
  assistant_options.model_name = config.llm_model;
  bot::Assistant assistant(&bot, http_client.get(), chat.get(), assistant_options);
  bot::AgentAssist assist(&bot, chat.get());
  bot::Translator translator(chat.get());
  service_options.assistant = &assistant;
  asio::thread_pool workers(static_cast<size_t>(config.worker_threads));
  conversations::ConversationService* service_ptr = nullptr;  // set right below; used after start only
  if (chat) service_options.on_handoff = HandoffSummarizer(&workers, store.get(), &bot, &assist, &service_ptr);
  conversations::ConversationService service(store.get(), &bot, &hub, service_options);
  service_ptr = &service;
  api::WidgetTokens tokens(*secret);
  std::atomic<bool> ready{false};

  api::ApiContext ctx;
  ctx.store = store.get();
  ctx.conversations = &service;
  ctx.bot = &bot;
  ctx.assist = &assist;
  ctx.translator = &translator;
  ctx.knowledge = &knowledge;
  ctx.hub = &hub;
  ctx.widget_tokens = &tokens;
  ctx.workers = &workers;
  ctx.session_ttl_ms = static_cast<int64_t>(config.session_ttl_hours) * 3600 * 1000;
  ctx.ready = &ready;
  ctx.assistant = &assistant;
  // Tools and playbooks per account: <automation dir>/<account id>/ when configured, else data/demo
  // for the demo workspace. `self` (host:port of this server, for the demo shop's tools) is set
  // before `ready`; the automation endpoints are served only once ready.
  const std::filesystem::path demo_dir = std::filesystem::path(flags.demo_kb_dir).parent_path();
  std::string self;
  FileAutomationAdmin automation_admin({config.automation_dir, config.demo ? demo_dir.string() : std::string()}, &self,
                                       *normalizer, store.get(), &assistant);
  ctx.automation = &automation_admin;

  server::Router router;
  api::RegisterRoutes(router, &ctx);
  if (config.demo) {
    if (Status s = api::RegisterDemoShopRoutes(router, (demo_dir / "shop").string(), &ctx, "demo"); !s.ok()) {
      LOG_ERROR("demo shop: {}", s.ToString());
      return 1;
    }
  }
  api::StaticOptions static_options;
  static_options.web_dir = api::FindWebDir(config.web_dir);
  static_options.demo = config.demo;
  if (static_options.web_dir.empty()) {
    LOG_WARN("web UI not found (build it with `npm run build` in web/, or set LINGXI_WEB_DIR); serving the API only");
  } else {
    LOG_INFO("serving the web UI from {}", static_options.web_dir);
  }
  api::RegisterStaticRoutes(router, static_options, &workers);

  server::ServerOptions sopt;
  sopt.host = config.host;
  sopt.port = config.port;
  sopt.body_limit = config.body_limit;
  sopt.ws_max_message = config.ws_max_message;
  sopt.idle_timeout_seconds = config.idle_timeout_seconds;
  sopt.ws_idle_timeout_seconds = config.ws_idle_timeout_seconds;
  server::HttpServer http(ioc, sopt, &router);
  if (Status s = http.Start(); !s.ok()) {
    LOG_ERROR("{}", s.ToString());
    return 1;
  }

  std::vector<domain::Id> account_ids;
  (void)store->Read([&](store::ReadTx& tx) -> Status {
    LINGXI_ASSIGN_OR_RETURN(account_ids, tx.ListAccountIds());
    return Status::Ok();
  });
  // Warm the demo knowledge base so the first customer does not pay for the index build.
  if (config.demo)
    for (auto id : account_ids) (void)knowledge.Get(id);
  // The demo account's tools call the demo shop on this very server.
  self = "127.0.0.1:" + std::to_string(http.port());
  for (auto id : account_ids) {
    if (automation_admin.SourceDir(id).empty()) continue;
    if (auto automation = automation_admin.Reload(id); !automation.ok()) {
      LOG_ERROR("automation of account {}: {}", id, automation.status().ToString());
      return 1;
    }
  }
  ready.store(true, std::memory_order_release);
  const std::string base = "http://" + config.host + ":" + std::to_string(http.port());
  LOG_INFO("lingxi listening on {} ({} I/O threads, {} workers)", base, io_threads, config.worker_threads);
  // Machine-readable line for scripts and tests that start the server on port 0.
  std::printf("LISTENING %s\n", base.c_str());
  if (config.demo) {
    std::printf("\n  Lingxi demo is running.\n"
                "  Console:      %s/console   Demo shop: %s/demo\n"
                "  API:          %s/api/v1\n"
                "  Health:       %s/healthz   Metrics: %s/metrics\n"
                "  Widget token: demo\n"
                "  Agent login:  agent@demo.lingxi / demo   (demo mode only)\n\n",
                base.c_str(), base.c_str(), base.c_str(), base.c_str(), base.c_str());
  }
  std::fflush(stdout);

  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& e, int sig) {
    if (e) return;
    LOG_INFO("signal {} received: shutting down", sig);
    ready = false;
    http.Stop();
    hub.CloseAll();
    // Give in-flight requests and close handshakes up to 3 s, then stop the loop.
    asio::co_spawn(ioc, DrainThenStop(&http, &ioc, std::chrono::seconds(3)), asio::detached);
  });

  std::vector<std::thread> threads;
  for (int i = 1; i < io_threads; ++i) threads.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : threads) t.join();
  workers.join();
  // Cancels LLM and tool calls still in flight (their turns end with the embedded answer).
  http_client.reset();
  store->Close();
  LOG_INFO("store flushed; bye");
  return 0;
}

}  // namespace lingxi::app
