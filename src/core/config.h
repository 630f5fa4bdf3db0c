// Runtime configuration. Sources, lowest to highest precedence: built-in defaults,
// the TOML file (lingxi.toml), LINGXI_* environment variables, command-line flags
// (applied by app/). A Config is a plain value; copy it freely.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/status.h"

namespace lingxi {

struct Config {
  // [server]
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  int io_threads = 0;            // 0 = number of CPU cores
  int worker_threads = 2;        // blocking pool (store reads, password hashing)
  size_t body_limit = 64 * 1024; // bytes per HTTP request body
  size_t ws_max_message = 64 * 1024;
  int idle_timeout_seconds = 60;   // HTTP keep-alive / slow request timeout
  int ws_idle_timeout_seconds = 300;  // no frames and no pong for this long closes a socket
  std::string web_dir;             // built web assets; empty = next to the binary
  // [store]
  std::string data_dir = "./var";
  std::string synchronous = "FULL";  // SQLite synchronous pragma: FULL or NORMAL
  // [auth]
  int session_ttl_hours = 24 * 7;
  // [log]
  std::string log_level = "info";
  // [llm] An OpenAI-compatible chat-completions endpoint. Without an api_key the embedded
  // engine answers alone. (Local servers such as Ollama accept any non-empty key.)
  std::string llm_base_url = "https://api.deepseek.com";
  std::string llm_model = "deepseek-chat";
  std::string llm_api_key;     // LINGXI_LLM_API_KEY; never logged
  int llm_timeout_seconds = 20;  // absolute deadline per answer, tool calls included
  bool llm_enabled() const { return !llm_api_key.empty(); }
  // [automation] Per-account tools and playbooks: `<dir>/<account id>/tools.json` and
  // `<dir>/<account id>/playbooks/*.json`, loaded at start and on POST /api/v1/automation/reload.
  std::string automation_dir;  // LINGXI_AUTOMATION_DIR; empty = none (the demo account uses data/demo)
  // Not in the file: set by `serve --demo`.
  bool demo = false;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The process environment.
std::optional<std::string> GetEnv(const std::string& name);

// Applies the TOML file at `path` (if non-empty; a missing file is an error only when
// `required`) and then the environment to `config`.
// Errors: InvalidArgument for a malformed file or value (the message names the key).
Status LoadConfig(const std::string& path, bool required, const EnvLookup& env, Config* config);

// Checks ranges (port, limits, synchronous). Errors: InvalidArgument.
Status ValidateConfig(const Config& config);

}  // namespace lingxi
