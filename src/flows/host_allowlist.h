// Per-account allowlist of hosts that HTTP tools may call (SSRF protection).
//
// Entries are `host[:port]` strings ("shop.example.com", "api.example.com:8443",
// "127.0.0.1:8080", "[::1]:9000") or objects {"host": ..., "port": ..., "allow_private": bool}.
// An entry without a port allows only the scheme's default port (80 for http, 443 for https).
// Connections to loopback, private, link-local, CGNAT, multicast and unspecified addresses
// are refused unless the entry names that exact IP literal or sets "allow_private" (an
// internal host called by name). This also defeats DNS answers that point an allowlisted
// public name at an internal address.
// Immutable after construction; thread-safe for concurrent reads.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace lingxi::flows {

struct AllowedHost {
  std::string host;   // lower-case; IPv6 literals without brackets
  int port = 0;       // 0 = the scheme's default port
  bool allow_private = false;
};

class HostAllowlist {
 public:
  HostAllowlist() = default;
  // From a JSON array of entries. InvalidArgument naming the bad entry.
  static Result<HostAllowlist> FromJson(const boost::json::value& v);
  // One `host[:port]` string entry.
  static Result<AllowedHost> ParseEntry(std::string_view entry);

  void Add(AllowedHost entry) { entries_.push_back(std::move(entry)); }
  // The entry allowing `host` (case-insensitive; brackets around IPv6 ignored) on `port`, where
  // `default_port` is the scheme's default; nullptr if none.
  const AllowedHost* Match(std::string_view host, int port, int default_port) const;
  // The post-DNS check for a connection to `ip` for `host`:`port` (see the header comment).
  bool AllowsConnect(std::string_view host, std::string_view ip, int port) const;
  bool empty() const { return entries_.empty(); }
  const std::vector<AllowedHost>& entries() const { return entries_; }

 private:
  std::vector<AllowedHost> entries_;
};

// True unless `ip` is a parseable, globally routable unicast IPv4/IPv6 address. IPv4-mapped
// IPv6 addresses are judged as IPv4. Unparseable input counts as special (refused).
bool IsSpecialAddress(std::string_view ip);
// True if `a` and `b` are the same IP address (textual forms may differ).
bool SameAddress(std::string_view a, std::string_view b);
// True if `host` is an IPv4 or IPv6 literal (IPv6 with or without brackets).
bool IsIpLiteral(std::string_view host);

}  // namespace lingxi::flows
