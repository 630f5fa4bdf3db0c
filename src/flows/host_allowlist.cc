#include "flows/host_allowlist.h"

#include <arpa/inet.h>
#include <boost/json.hpp>

#include <array>
#include <cctype>
#include <charconv>
#include <cstring>
#include <optional>

namespace lingxi::flows {

namespace json = boost::json;

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view StripBrackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

// 16 bytes; IPv4 as IPv4-mapped IPv6.
std::optional<std::array<unsigned char, 16>> ParseIp(std::string_view text) {
  std::string s(StripBrackets(text));
  std::array<unsigned char, 16> out{};
  in_addr v4;
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out[10] = out[11] = 0xff;
    std::memcpy(&out[12], &v4, 4);
    return out;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

bool IsMappedV4(const std::array<unsigned char, 16>& a) {
  for (int i = 0; i < 10; ++i)
    if (a[i] != 0) return false;
  return a[10] == 0xff && a[11] == 0xff;
}

bool SpecialV4(const unsigned char* b) {
  if (b[0] == 0 || b[0] == 10 || b[0] == 127) return true;         // 0/8, 10/8, 127/8
  if (b[0] == 169 && b[1] == 254) return true;                     // link-local, cloud metadata
  if (b[0] == 172 && (b[1] & 0xf0) == 16) return true;             // 172.16/12
  if (b[0] == 192 && b[1] == 168) return true;                     // 192.168/16
  if (b[0] == 100 && (b[1] & 0xc0) == 64) return true;             // 100.64/10 CGNAT
  if (b[0] == 192 && b[1] == 0 && b[2] == 0) return true;          // 192.0.0/24 IETF
  if (b[0] == 198 && (b[1] & 0xfe) == 18) return true;             // 198.18/15 benchmarking
  if (b[0] >= 224) return true;                                    // multicast, reserved, broadcast
  return false;
}

}  // namespace

bool IsIpLiteral(std::string_view host) { return ParseIp(host).has_value(); }

bool SameAddress(std::string_view a, std::string_view b) {
  auto x = ParseIp(a), y = ParseIp(b);
  return x && y && *x == *y;
}

bool IsSpecialAddress(std::string_view ip) {
  auto a = ParseIp(ip);
  if (!a) return true;
  const auto& b = *a;
  if (IsMappedV4(b)) return SpecialV4(&b[12]);
  bool all_zero_but_last = true;
  for (int i = 0; i < 15; ++i) all_zero_but_last &= b[i] == 0;
  if (all_zero_but_last && (b[15] == 0 || b[15] == 1)) return true;  // :: and ::1
  if ((b[0] & 0xfe) == 0xfc) return true;                            // fc00::/7 unique local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;            // fe80::/10 link-local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return true;            // fec0::/10 site-local (deprecated)
  if (b[0] == 0xff) return true;                                     // multicast
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) return true;  // 64:ff9b::/96 NAT64
  if (b[0] == 0x20 && b[1] == 0x02) return true;                     // 6to4 can embed any IPv4
  if (b[0] == 0 && b[1] == 0) return true;                           // other IPv4-compatible/reserved
  return false;
}

Result<AllowedHost> HostAllowlist::ParseEntry(std::string_view entry) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("allowlist entry '" + std::string(entry) + "': " + std::string(why));
  };
  AllowedHost h;
  std::string_view host = entry, port;
  bool has_port = false;
  if (!entry.empty() && entry.front() == '[') {
    size_t close = entry.find(']');
    if (close == std::string_view::npos) return bad("missing ']'");
    host = entry.substr(1, close - 1);
    std::string_view rest = entry.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad("expected ':' after ']'");
      port = rest.substr(1);
      has_port = true;
    }
    if (!ParseIp(host)) return bad("not an IPv6 address");
  } else {
    size_t colon = entry.rfind(':');
    if (colon != std::string_view::npos) {
      if (entry.find(':') != colon) return bad("IPv6 literals need brackets");
      host = entry.substr(0, colon);
      port = entry.substr(colon + 1);
      has_port = true;
    }
  }
  if (host.empty() || host.size() > 253) return bad("empty or too long host");
  for (char c : host) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':';
    if (!ok) return bad("host may contain only letters, digits, '.', '-'");
  }
  if (has_port) {
    int p = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || p < 1 || p > 65535)
      return bad("port must be 1-65535");
    h.port = p;
  }
  h.host = Lower(host);
  return h;
}

Result<HostAllowlist> HostAllowlist::FromJson(const json::value& v) {
  const json::array* arr = v.if_array();
  if (!arr) return InvalidArgument("allowlist must be an array");
  HostAllowlist list;
  for (const json::value& e : *arr) {
    if (const json::string* s = e.if_string()) {
      LINGXI_ASSIGN_OR_RETURN(AllowedHost h, ParseEntry(*s));
      list.Add(std::move(h));
    } else if (const json::object* o = e.if_object()) {
      const json::value* host = o->if_contains("host");
      if (!host || !host->is_string()) return InvalidArgument("allowlist entry object needs a string 'host'");
      LINGXI_ASSIGN_OR_RETURN(AllowedHost h, ParseEntry(host->get_string()));
      if (const json::value* port = o->if_contains("port")) {
        if (!port->is_int64() || port->get_int64() < 1 || port->get_int64() > 65535)
          return InvalidArgument("allowlist entry '" + std::string(host->get_string()) + "': port must be 1-65535");
        h.port = static_cast<int>(port->get_int64());
      }
      if (const json::value* ap = o->if_contains("allow_private")) {
        if (!ap->is_bool()) return InvalidArgument("allowlist entry: allow_private must be a boolean");
        h.allow_private = ap->get_bool();
      }
      list.Add(std::move(h));
    } else {
      return InvalidArgument("allowlist entries must be strings or objects");
    }
  }
  return list;
}

const AllowedHost* HostAllowlist::Match(std::string_view host, int port, int default_port) const {
  std::string h = Lower(StripBrackets(host));
  bool literal = IsIpLiteral(h);
  for (const AllowedHost& e : entries_) {
    bool host_ok = literal ? SameAddress(e.host, h) : e.host == h;
    if (!host_ok) continue;
    if ((e.port == 0 ? default_port : e.port) == port) return &e;
  }
  return nullptr;
}

bool HostAllowlist::AllowsConnect(std::string_view host, std::string_view ip, int port) const {
  std::string h = Lower(StripBrackets(host));
  for (const AllowedHost& e : entries_) {
    bool host_ok = IsIpLiteral(h) ? SameAddress(e.host, h) : e.host == h;
    if (!host_ok) continue;
    // Port 0 entries allow the default ports only; the URL check already pinned the scheme.
    bool port_ok = e.port == 0 ? (port == 80 || port == 443) : e.port == port;
    if (!port_ok) continue;
    if (!IsSpecialAddress(ip)) return true;
    if (e.allow_private) return true;
    if (IsIpLiteral(e.host) && SameAddress(e.host, ip)) return true;
  }
  return false;
}

}  // namespace lingxi::flows
