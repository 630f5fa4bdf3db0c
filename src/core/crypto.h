// Secrets: random tokens, password hashing (argon2id), HMAC signing, SHA-256.
// Backed by libsodium; all functions are thread-safe after InitCrypto().
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace lingxi {

// Must be called once at start-up before any other function here. Idempotent.
Status InitCrypto();
// `bytes` random bytes encoded as unpadded base64url.
std::string RandomToken(size_t bytes = 32);
// `bytes` random bytes as lowercase hex.
std::string RandomHex(size_t bytes);
// Argon2id hash in the PHC string format (includes salt and parameters).
Result<std::string> HashPassword(std::string_view password);
// Constant-time check of `password` against a HashPassword() string.
bool VerifyPassword(std::string_view password, const std::string& hash);
// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
// HMAC-SHA256 of `data` under `key` (any length), base64url unpadded.
std::string HmacSha256(std::string_view key, std::string_view data);
// HMAC-SHA256 of `data` under `key`, lowercase hex (64 characters) — the form businesses compute
// with `openssl dgst -sha256 -hmac KEY` or `hmac.new(key, data, sha256).hexdigest()`.
std::string HmacSha256Hex(std::string_view key, std::string_view data);
// Constant-time string equality.
bool ConstantTimeEquals(std::string_view a, std::string_view b);
// base64url without padding.
std::string Base64UrlEncode(std::string_view data);
// Returns false on malformed input.
bool Base64UrlDecode(std::string_view in, std::string* out);

}  // namespace lingxi
