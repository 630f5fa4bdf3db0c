#include "core/config.h"

#include <cstdlib>
#include <filesystem>

#include <toml++/toml.h>

namespace lingxi {

std::optional<std::string> GetEnv(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

namespace {

Status ParseInt(const std::string& key, const std::string& text, int64_t lo, int64_t hi, int64_t* out) {
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || v < lo || v > hi) {
    return InvalidArgument(key + ": expected an integer in [" + std::to_string(lo) + ", " +
                           std::to_string(hi) + "], got '" + text + "'");
  }
  *out = v;
  return Status::Ok();
}

template <typename T>
Status TomlInt(const toml::table& t, const char* section, const char* key, int64_t lo, int64_t hi, T* out) {
  auto node = t[section][key];
  if (!node) return Status::Ok();
  auto v = node.value<int64_t>();
  if (!v || *v < lo || *v > hi) {
    return InvalidArgument(std::string(section) + "." + key + ": expected an integer in [" +
                           std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  *out = static_cast<T>(*v);
  return Status::Ok();
}

Status TomlString(const toml::table& t, const char* section, const char* key, std::string* out) {
  auto node = t[section][key];
  if (!node) return Status::Ok();
  auto v = node.value<std::string>();
  if (!v) return InvalidArgument(std::string(section) + "." + key + ": expected a string");
  *out = *v;
  return Status::Ok();
}

template <typename T>
Status EnvInt(const EnvLookup& env, const char* name, int64_t lo, int64_t hi, T* out) {
  auto v = env(name);
  if (!v) return Status::Ok();
  int64_t parsed = 0;
  LINGXI_RETURN_IF_ERROR(ParseInt(name, *v, lo, hi, &parsed));
  *out = static_cast<T>(parsed);
  return Status::Ok();
}

void EnvString(const EnvLookup& env, const char* name, std::string* out) {
  if (auto v = env(name)) *out = *v;
}

}  // namespace

Status LoadConfig(const std::string& path, bool required, const EnvLookup& env, Config* c) {
  if (!path.empty()) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
      toml::table t;
      try {
        t = toml::parse_file(path);
      } catch (const toml::parse_error& e) {
        return InvalidArgument(path + ": " + std::string(e.description()));
      }
      LINGXI_RETURN_IF_ERROR(TomlString(t, "server", "host", &c->host));
      LINGXI_RETURN_IF_ERROR(TomlInt(t, "server", "port", 0, 65535, &c->port));
      LINGXI_RETURN_IF_ERROR(TomlInt(t, "server", "io_threads", 0, 256, &c->io_threads));
      LINGXI_RETURN_IF_ERROR(TomlInt(t, "server", "worker_threads", 1, 256, &c->worker_threads));
      LINGXI_RETURN_IF_ERROR(TomlInt(t, "server", "body_limit", 1024, 64 << 20, &c->body_limit));
      LINGXI_RETURN_IF_ERROR(TomlInt(t, "server", "ws_max_message", 1024, 16 << 20, &c->ws_max_message));
      LINGXI_RETURN_IF_ERROR(TomlInt(t, "server", "idle_timeout", 1, 3600, &c->idle_timeout_seconds));
      LINGXI_RETURN_IF_ERROR(TomlInt(t, "server", "ws_idle_timeout", 5, 86400, &c->ws_idle_timeout_seconds));
      LINGXI_RETURN_IF_ERROR(TomlString(t, "server", "web_dir", &c->web_dir));
      LINGXI_RETURN_IF_ERROR(TomlString(t, "store", "data_dir", &c->data_dir));
      LINGXI_RETURN_IF_ERROR(TomlString(t, "store", "synchronous", &c->synchronous));
      LINGXI_RETURN_IF_ERROR(TomlInt(t, "auth", "session_ttl_hours", 1, 24 * 365, &c->session_ttl_hours));
      LINGXI_RETURN_IF_ERROR(TomlString(t, "log", "level", &c->log_level));
      LINGXI_RETURN_IF_ERROR(TomlString(t, "llm", "base_url", &c->llm_base_url));
      LINGXI_RETURN_IF_ERROR(TomlString(t, "llm", "model", &c->llm_model));
      LINGXI_RETURN_IF_ERROR(TomlString(t, "llm", "api_key", &c->llm_api_key));
      LINGXI_RETURN_IF_ERROR(TomlInt(t, "llm", "timeout", 1, 600, &c->llm_timeout_seconds));
      LINGXI_RETURN_IF_ERROR(TomlString(t, "automation", "dir", &c->automation_dir));
    } else if (required) {
      return InvalidArgument("config file not found: " + path);
    }
  }
  EnvString(env, "LINGXI_HOST", &c->host);
  LINGXI_RETURN_IF_ERROR(EnvInt(env, "LINGXI_PORT", 0, 65535, &c->port));
  LINGXI_RETURN_IF_ERROR(EnvInt(env, "LINGXI_IO_THREADS", 0, 256, &c->io_threads));
  LINGXI_RETURN_IF_ERROR(EnvInt(env, "LINGXI_WORKER_THREADS", 1, 256, &c->worker_threads));
  LINGXI_RETURN_IF_ERROR(EnvInt(env, "LINGXI_BODY_LIMIT", 1024, 64 << 20, &c->body_limit));
  LINGXI_RETURN_IF_ERROR(EnvInt(env, "LINGXI_WS_MAX_MESSAGE", 1024, 16 << 20, &c->ws_max_message));
  LINGXI_RETURN_IF_ERROR(EnvInt(env, "LINGXI_IDLE_TIMEOUT", 1, 3600, &c->idle_timeout_seconds));
  LINGXI_RETURN_IF_ERROR(EnvInt(env, "LINGXI_WS_IDLE_TIMEOUT", 5, 86400, &c->ws_idle_timeout_seconds));
  EnvString(env, "LINGXI_WEB_DIR", &c->web_dir);
  EnvString(env, "LINGXI_DATA_DIR", &c->data_dir);
  EnvString(env, "LINGXI_SYNCHRONOUS", &c->synchronous);
  LINGXI_RETURN_IF_ERROR(EnvInt(env, "LINGXI_SESSION_TTL_HOURS", 1, 24 * 365, &c->session_ttl_hours));
  EnvString(env, "LINGXI_LOG_LEVEL", &c->log_level);
  EnvString(env, "LINGXI_LLM_BASE_URL", &c->llm_base_url);
  EnvString(env, "LINGXI_LLM_MODEL", &c->llm_model);
  EnvString(env, "LINGXI_LLM_API_KEY", &c->llm_api_key);
  LINGXI_RETURN_IF_ERROR(EnvInt(env, "LINGXI_LLM_TIMEOUT", 1, 600, &c->llm_timeout_seconds));
  EnvString(env, "LINGXI_AUTOMATION_DIR", &c->automation_dir);
  return ValidateConfig(*c);
}

Status ValidateConfig(const Config& c) {
  if (c.host.empty()) return InvalidArgument("host must not be empty");
  if (c.data_dir.empty()) return InvalidArgument("data_dir must not be empty");
  if (c.synchronous != "FULL" && c.synchronous != "NORMAL") {
    return InvalidArgument("store.synchronous must be FULL or NORMAL, got '" + c.synchronous + "'");
  }
  static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
  bool level_ok = false;
  for (const char* l : kLevels) level_ok |= c.log_level == l;
  if (!level_ok) return InvalidArgument("log.level must be one of trace|debug|info|warn|error|off");
  if (c.llm_base_url.rfind("http://", 0) != 0 && c.llm_base_url.rfind("https://", 0) != 0)
    return InvalidArgument("llm.base_url must start with http:// or https://, got '" + c.llm_base_url + "'");
  if (c.llm_model.empty()) return InvalidArgument("llm.model must not be empty");
  return Status::Ok();
}

}  // namespace lingxi
