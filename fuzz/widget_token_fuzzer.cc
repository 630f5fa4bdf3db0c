// Customer (widget) tokens (api/widget_tokens.h), the bearer credential every widget request
// carries: claims issued by the server, and tokens a client sends, tampered with or made up.
// Invariants: an issued token verifies to exactly its claims until it expires, and never after;
// a token changed in any way (one byte replaced, cut, extended) or made up is refused with
// Unauthenticated, never a crash, a throw or someone else's claims.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <string>

#include "api/widget_tokens.h"
#include "fuzz_check.h"

namespace {

using lingxi::api::WidgetClaims;
using lingxi::api::WidgetTokens;
using lingxi::fuzz::Printable;

void CheckRefused(const WidgetTokens& tokens, const std::string& token, int64_t now, const std::string& what) {
  auto r = tokens.Verify(token, now);
  LINGXI_FUZZ_CHECK(!r.ok(), what + " verified: " + Printable(token));
  LINGXI_FUZZ_CHECK(r.status().code() == lingxi::StatusCode::kUnauthenticated, r.status().ToString());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const WidgetTokens tokens(std::string(32, 'k'));
  FuzzedDataProvider fdp(data, size);
  WidgetClaims claims;
  claims.account_id = fdp.ConsumeIntegral<int64_t>();
  claims.conversation_id = fdp.ConsumeIntegral<int64_t>();
  claims.contact_id = fdp.ConsumeIntegral<int64_t>();
  claims.expires_at = fdp.ConsumeIntegral<int64_t>();
  const int64_t now = fdp.ConsumeIntegral<int64_t>();
  const size_t at = fdp.ConsumeIntegral<uint16_t>();
  const char replacement = fdp.ConsumeIntegral<char>();
  const std::string made_up = fdp.ConsumeRemainingBytesAsString();

  const std::string token = tokens.Issue(claims);
  auto verified = tokens.Verify(token, now);
  if (claims.expires_at > now) {
    LINGXI_FUZZ_CHECK(verified.ok(), "fresh token refused: " + verified.status().ToString());
    LINGXI_FUZZ_CHECK(verified->account_id == claims.account_id &&
                          verified->conversation_id == claims.conversation_id &&
                          verified->contact_id == claims.contact_id && verified->expires_at == claims.expires_at,
                      "claims changed on the way back");
  } else {
    LINGXI_FUZZ_CHECK(!verified.ok(), "expired token accepted");
  }

  std::string changed = token;
  const size_t i = at % token.size();
  if (changed[i] != replacement) {
    changed[i] = replacement;
    CheckRefused(tokens, changed, now, "token with byte " + std::to_string(i) + " replaced");
  }
  CheckRefused(tokens, token.substr(0, i), now, "cut token");
  if (!made_up.empty()) CheckRefused(tokens, token + made_up.substr(0, 1 + at % 4), now, "extended token");
  if (made_up != token) CheckRefused(tokens, made_up, now, "made-up token");
  return 0;
}
