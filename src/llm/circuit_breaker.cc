#include "llm/circuit_breaker.h"

#include <string>

namespace lingxi::llm {

Status CircuitBreaker::Admit(bool* is_probe, Clock::time_point now) {
  std::lock_guard lock(mu_);
  *is_probe = false;
  if (!open_) return Status::Ok();
  if (now < open_until_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(open_until_ - now).count();
    return Unavailable("LLM circuit open after " + std::to_string(consecutive_failures_) +
                       " consecutive failures; next probe in " + std::to_string(left) + " ms");
  }
  if (probe_in_flight_) return Unavailable("LLM circuit half-open; a probe call is in flight");
  probe_in_flight_ = true;
  *is_probe = true;
  return Status::Ok();
}

void CircuitBreaker::Record(Outcome outcome, bool is_probe, Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (is_probe) probe_in_flight_ = false;
  switch (outcome) {
    case Outcome::kAbandoned:
      return;
    case Outcome::kSuccess:
      consecutive_failures_ = 0;
      open_ = false;
      return;
    case Outcome::kFailure:
      ++consecutive_failures_;
      if (is_probe || (failures_to_open_ > 0 && consecutive_failures_ >= failures_to_open_)) {
        open_ = true;
        open_until_ = now + cooldown_;
      }
      return;
  }
}

bool CircuitBreaker::IsOpen(Clock::time_point now) const {
  std::lock_guard lock(mu_);
  return open_ && (now < open_until_ || probe_in_flight_);
}

}  // namespace lingxi::llm
