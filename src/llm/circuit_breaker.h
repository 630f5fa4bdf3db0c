// Circuit breaker for calls to one upstream (e.g. an LLM provider): after `failures_to_open`
// consecutive failed calls it opens and rejects calls for `cooldown`; then it lets exactly one
// probe through (half-open). The probe's success closes it; its failure opens it again.
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>

#include "core/status.h"

namespace lingxi::llm {

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Outcome { kSuccess, kFailure, kAbandoned };  // kAbandoned: cancelled, says nothing

  CircuitBreaker(int failures_to_open, std::chrono::milliseconds cooldown)
      : failures_to_open_(failures_to_open), cooldown_(cooldown) {}

  // OK if the call may go ahead (`*is_probe` tells whether it is the half-open probe);
  // Unavailable while the circuit is open or a probe is in flight.
  Status Admit(bool* is_probe, Clock::time_point now = Clock::now());
  // Reports how an admitted call ended.
  void Record(Outcome outcome, bool is_probe, Clock::time_point now = Clock::now());
  bool IsOpen(Clock::time_point now = Clock::now()) const;

 private:
  const int failures_to_open_;
  const std::chrono::milliseconds cooldown_;
  mutable std::mutex mu_;
  int consecutive_failures_ = 0;
  bool open_ = false;
  bool probe_in_flight_ = false;
  Clock::time_point open_until_{};
};

}  // namespace lingxi::llm
