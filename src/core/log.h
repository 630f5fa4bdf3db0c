// Logging: a thin layer over spdlog so every module logs the same way.
// Use LOG_INFO("conversation {} handed off", id). Thread-safe.
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

namespace lingxi {
// Sets the global level ("trace", "debug", "info", "warn", "error", "off") and pattern.
void InitLogging(std::string_view level);
}  // namespace lingxi

#define LOG_DEBUG(...) SPDLOG_DEBUG(__VA_ARGS__)
#define LOG_INFO(...) spdlog::info(__VA_ARGS__)
#define LOG_WARN(...) spdlog::warn(__VA_ARGS__)
#define LOG_ERROR(...) spdlog::error(__VA_ARGS__)
