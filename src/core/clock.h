// Wall-clock and monotonic time helpers. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace lingxi {

// Milliseconds since the Unix epoch (UTC).
int64_t NowMillis();
// Monotonic microseconds, for latency measurement only.
int64_t MonotonicMicros();
// RFC 3339 UTC timestamp with milliseconds, e.g. "2026-11-24T10:00:00.123Z".
std::string FormatTimestamp(int64_t epoch_millis);

}  // namespace lingxi
