// lingxi: the command-line entry point. Wiring only; see serve.cc for the server.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "app/demo_seed.h"
#include "app/eval_command.h"
#include "app/serve.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/process.h"
#include "store/store.h"

namespace {

using namespace lingxi;

std::string DefaultDemoKbDir(const char* argv0) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::path p : {fs::path("data/demo/kb"), fs::canonical(argv0, ec).parent_path() / "../share/lingxi/demo/kb",
                     fs::path(LINGXI_SOURCE_DIR) / "data/demo/kb"}) {
    if (fs::is_directory(p, ec)) return p.string();
  }
  return "data/demo/kb";
}

Result<std::unique_ptr<store::Store>> OpenStore(const Config& c) {
  std::error_code ec;
  std::filesystem::create_directories(c.data_dir, ec);
  if (ec) return Unavailable("cannot create data directory " + c.data_dir + ": " + ec.message());
  store::StoreOptions so;
  so.path = app::DatabasePath(c);
  so.synchronous = c.synchronous;
  return store::OpenSqliteStore(so);
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread starts (see core/process.h): later growth of the descriptor table would
  // stall whichever thread opens the 256th, 512th, ... socket for an RCU grace period.
  auto fd_limits = PrepareFileDescriptors();
  CLI::App cli{"Lingxi (灵犀): AI-first customer service. Self-hosted, one binary.", "lingxi"};
  cli.require_subcommand(1);
  cli.fallthrough();  // global options may follow the subcommand: `lingxi serve --port 0`
  std::string config_path;
  std::optional<std::string> host, data_dir, log_level;
  std::optional<uint16_t> port;
  cli.add_option("-c,--config", config_path, "Config file (default: ./lingxi.toml if present; env LINGXI_CONFIG)");
  cli.add_option("--host", host, "Listen address (env LINGXI_HOST, default 127.0.0.1)");
  cli.add_option("--port", port, "Listen port, 0 = any free port (env LINGXI_PORT, default 8080)");
  cli.add_option("--data", data_dir, "Data directory (env LINGXI_DATA_DIR, default ./var)");
  cli.add_option("--log-level", log_level, "trace|debug|info|warn|error (env LINGXI_LOG_LEVEL)");

  auto* serve = cli.add_subcommand("serve", "Run the server");
  bool demo = false;
  std::string demo_kb;
  serve->add_flag("--demo", demo, "Seed and serve the demo workspace (widget token 'demo', agent@demo.lingxi / demo)");
  serve->add_option("--demo-kb", demo_kb, "Directory of demo articles (default: data/demo/kb)");

  auto* import = cli.add_subcommand("import", "Import data");
  import->require_subcommand(1);
  auto* import_kb = import->add_subcommand("kb", "Import knowledge articles: a directory of Markdown files or a CSV");
  std::string import_path;
  int64_t import_account = 0;
  import_kb->add_option("PATH", import_path, "Directory of .md files with front matter, or a .csv file")->required();
  import_kb->add_option("--account", import_account, "Account id (default: the only/first account)");

  auto* migrate = cli.add_subcommand("migrate", "Create or upgrade the database schema, then exit");

  auto* init = cli.add_subcommand("init", "Create a workspace: account, admin user and a web chat inbox");
  app::WorkspaceSpec spec;
  init->add_option("--account", spec.account_name, "Workspace (company) name")->required();
  init->add_option("--email", spec.admin_email, "Admin email (login)")->required();
  init->add_option("--password", spec.admin_password, "Admin password (or env LINGXI_ADMIN_PASSWORD)");
  init->add_option("--name", spec.admin_name, "Admin display name");
  init->add_option("--kb", spec.kb_path, "Optional knowledge articles to import");

  app::RegisterEvalCommand(cli);

  CLI11_PARSE(cli, argc, argv);
  if (int rc = app::RunEvalIfSelected(); rc >= 0) return rc;

  Config config;
  if (config_path.empty()) {
    if (auto env = GetEnv("LINGXI_CONFIG")) config_path = *env;
  }
  const bool required = !config_path.empty();
  if (config_path.empty()) config_path = "lingxi.toml";
  if (Status s = LoadConfig(config_path, required, GetEnv, &config); !s.ok()) {
    std::fprintf(stderr, "lingxi: config error: %s\n", s.message().c_str());
    return 2;
  }
  if (host) config.host = *host;
  if (port) config.port = *port;
  if (data_dir) config.data_dir = *data_dir;
  if (log_level) config.log_level = *log_level;
  if (Status s = ValidateConfig(config); !s.ok()) {
    std::fprintf(stderr, "lingxi: config error: %s\n", s.message().c_str());
    return 2;
  }
  InitLogging(config.log_level);
  if (Status s = InitCrypto(); !s.ok()) {
    std::fprintf(stderr, "lingxi: %s\n", s.ToString().c_str());
    return 1;
  }

  if (*serve) {
    if (fd_limits.ok()) {
      LOG_INFO("file descriptors: limit {} (was {}, hard {}), table of {} reserved", fd_limits->soft,
               fd_limits->soft_before, fd_limits->hard, fd_limits->table);
    } else {
      LOG_WARN("file descriptors: {}", fd_limits.status().ToString());
    }
    config.demo = demo;
    app::ServeFlags flags;
    flags.demo_kb_dir = demo_kb.empty() ? DefaultDemoKbDir(argv[0]) : demo_kb;
    return app::RunServe(config, flags);
  }

  auto store = OpenStore(config);
  if (!store.ok()) {
    std::fprintf(stderr, "lingxi: %s\n", store.status().ToString().c_str());
    return 1;
  }
  if (*migrate) {
    std::printf("database %s at schema version %d\n", app::DatabasePath(config).c_str(), (*store)->SchemaVersion());
    return 0;
  }
  if (*init) {
    if (spec.admin_password.empty()) spec.admin_password = GetEnv("LINGXI_ADMIN_PASSWORD").value_or("");
    auto info = app::EnsureWorkspace(store->get(), spec);
    if (!info.ok()) {
      std::fprintf(stderr, "lingxi init: %s\n", info.status().ToString().c_str());
      return 1;
    }
    std::printf("workspace %lld created; admin %s; widget token %s; %zu articles\n",
                static_cast<long long>(info->account_id), spec.admin_email.c_str(), info->widget_token.c_str(),
                info->articles);
    std::printf("widget snippet: <script src=\"https://YOUR-HOST/widget.js\" data-inbox=\"%s\" async></script>\n",
                info->widget_token.c_str());
    return 0;
  }
  if (*import_kb) {
    if (import_account == 0) {
      std::vector<domain::Id> ids;
      Status s = (*store)->Read([&](store::ReadTx& tx) -> Status {
        LINGXI_ASSIGN_OR_RETURN(ids, tx.ListAccountIds());
        return Status::Ok();
      });
      if (!s.ok() || ids.empty()) {
        std::fprintf(stderr, "lingxi import: no account yet; run `lingxi init` first or pass --account\n");
        return 1;
      }
      import_account = ids.front();
    }
    auto n = app::ImportArticles(store->get(), import_account, import_path, true);
    if (!n.ok()) {
      std::fprintf(stderr, "lingxi import: %s\n", n.status().ToString().c_str());
      return 1;
    }
    std::printf("imported %zu articles into account %lld (a running server picks them up after restart or any KB edit)\n",
                *n, static_cast<long long>(import_account));
    return 0;
  }
  return 0;
}
