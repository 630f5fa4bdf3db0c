// The SSRF allowlist (flows/host_allowlist.h): entries as an admin writes them, hosts and resolved
// addresses as a tool call meets them, all arbitrary.
// Invariants: an entry that parses has a lower-case host of letters, digits, '.', '-' (and ':'
// for IPv6) and a port in 0..65535, and written back as host[:port] / [v6]:port parses the same;
// a list holding it matches its own host (in any case, IPv6 with or without brackets) on its
// port; an address is an IP literal exactly when it equals itself, and two equal addresses are
// either both special or both not; a connection to a special (private, loopback...) address is
// allowed only by an entry with allow_private or naming that very address.
#include <fuzzer/FuzzedDataProvider.h>

#include <cctype>
#include <cstdint>
#include <string>

#include "flows/host_allowlist.h"
#include "fuzz_check.h"

namespace {

using lingxi::fuzz::Printable;
using namespace lingxi::flows;

std::string Write(const AllowedHost& h) {
  std::string host = h.host.find(':') != std::string::npos ? "[" + h.host + "]" : h.host;
  return h.port == 0 ? host : host + ":" + std::to_string(h.port);
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  const std::string entry = fdp.ConsumeRandomLengthString(64);
  const std::string ip_a = fdp.ConsumeRandomLengthString(48);
  const std::string ip_b = fdp.ConsumeRandomLengthString(48);
  const int port = fdp.ConsumeIntegralInRange<int>(0, 65536);
  const bool allow_private = fdp.ConsumeBool();
  const std::string host = fdp.ConsumeRemainingBytesAsString();

  LINGXI_FUZZ_CHECK(IsIpLiteral(ip_a) == SameAddress(ip_a, ip_a), "IsIpLiteral vs SameAddress on " + Printable(ip_a));
  if (SameAddress(ip_a, ip_b)) {
    LINGXI_FUZZ_CHECK(IsSpecialAddress(ip_a) == IsSpecialAddress(ip_b),
                      Printable(ip_a) + " and " + Printable(ip_b) + " are one address, special and not");
  }

  auto parsed = HostAllowlist::ParseEntry(entry);
  if (parsed.ok()) {
    const AllowedHost& h = *parsed;
    for (char c : h.host) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':';
      LINGXI_FUZZ_CHECK(ok, "host " + Printable(h.host) + " from " + Printable(entry));
    }
    LINGXI_FUZZ_CHECK(!h.host.empty() && h.port >= 0 && h.port <= 65535, "entry " + Printable(entry));
    const std::string written = Write(h);
    auto again = HostAllowlist::ParseEntry(written);
    LINGXI_FUZZ_CHECK(again.ok() && again->host == h.host && again->port == h.port,
                      Printable(entry) + " written as " + Printable(written) + " reads differently");
    HostAllowlist list;
    AllowedHost with_flag = h;
    with_flag.allow_private = allow_private;
    list.Add(with_flag);
    const int default_port = 443;
    const int on = h.port == 0 ? default_port : h.port;
    LINGXI_FUZZ_CHECK(list.Match(h.host, on, default_port) != nullptr, "entry does not match itself: " + written);
    LINGXI_FUZZ_CHECK(list.Match(Upper(h.host), on, default_port) != nullptr, "upper case misses: " + written);
    if (h.host.find(':') != std::string::npos) {
      LINGXI_FUZZ_CHECK(list.Match("[" + h.host + "]", on, default_port) != nullptr, "brackets miss: " + written);
    }
    // The post-DNS check for a connection to ip_a.
    if (list.AllowsConnect(host, ip_a, port) && IsSpecialAddress(ip_a)) {
      LINGXI_FUZZ_CHECK(
          with_flag.allow_private || SameAddress(h.host, ip_a),
          "connection to special address " + Printable(ip_a) + " for " + Printable(host) + " allowed by " + written);
    }
  }
  return 0;
}
