#include "api/widget_tokens.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/crypto.h"

namespace lingxi::api {

std::string WidgetTokens::Issue(const WidgetClaims& c) const {
  std::string payload = fmt::format("w1.{}.{}.{}.{}", c.account_id, c.conversation_id, c.contact_id, c.expires_at);
  std::string body = Base64UrlEncode(payload);
  return body + "." + HmacSha256(key_, body);
}

Result<WidgetClaims> WidgetTokens::Verify(const std::string& token, int64_t now) const {
  if (token.empty()) return Unauthenticated("missing token");
  if (token.size() > 512) return Unauthenticated("malformed token");
  auto dot = token.find('.');
  if (dot == std::string::npos) return Unauthenticated("malformed token");
  std::string body = token.substr(0, dot), mac = token.substr(dot + 1);
  if (!ConstantTimeEquals(mac, HmacSha256(key_, body))) return Unauthenticated("invalid token");
  std::string payload;
  if (!Base64UrlDecode(body, &payload)) return Unauthenticated("malformed token");
  WidgetClaims c;
  long long a = 0, conv = 0, contact = 0, exp = 0;
  char tail = 0;
  if (std::sscanf(payload.c_str(), "w1.%lld.%lld.%lld.%lld%c", &a, &conv, &contact, &exp, &tail) != 4)
    return Unauthenticated("malformed token");
  c.account_id = a;
  c.conversation_id = conv;
  c.contact_id = contact;
  c.expires_at = exp;
  if (c.expires_at <= now) return Unauthenticated("token expired");
  return c;
}

Result<std::string> LoadOrCreateSecret(const std::string& dir) {
  auto path = std::filesystem::path(dir) / "secret.key";
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string key = ss.str();
    if (key.size() < 32) return Internal("secret.key is shorter than 32 bytes: " + path.string());
    return key;
  }
  std::string key = RandomToken(48);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return Unavailable("cannot create " + path.string());
  bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Unavailable("cannot write " + path.string());
  return key;
}

}  // namespace lingxi::api
