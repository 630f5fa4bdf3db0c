// Customer (widget) tokens: stateless, HMAC-SHA256-signed claims binding one contact to
// one conversation of one account, with an expiry. Verification needs no database read,
// so authorising a customer's message costs microseconds. The key lives in the data
// directory (secret.key, mode 0600) and never leaves the server. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "domain/types.h"

namespace lingxi::api {

struct WidgetClaims {
  domain::Id account_id = 0;
  domain::Id conversation_id = 0;
  domain::Id contact_id = 0;
  int64_t expires_at = 0;  // epoch millis
};

class WidgetTokens {
 public:
  explicit WidgetTokens(std::string key) : key_(std::move(key)) {}
  std::string Issue(const WidgetClaims& claims) const;
  // Errors: Unauthenticated for malformed, forged or expired tokens.
  Result<WidgetClaims> Verify(const std::string& token, int64_t now_millis) const;

 private:
  std::string key_;
};

// Reads `dir`/secret.key, creating it with 32 random bytes (mode 0600) if absent.
Result<std::string> LoadOrCreateSecret(const std::string& dir);

}  // namespace lingxi::api
