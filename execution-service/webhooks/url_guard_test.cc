// The URL guard: what each address is (a table over every range it knows and their edges),
// what a subscription URL may look like, and the check of a host's resolved addresses.
#include "execution-service/webhooks/url_guard.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

namespace mc::execution {
namespace {

AddressKind Kind(const std::string& text) {
  std::optional<IpAddress> a = ParseIpAddress(text);
  REQUIRE(a.has_value());
  return ClassifyAddress(*a);
}

TEST_CASE("every non-public range is recognised, and its neighbours are public") {
  using K = AddressKind;
  const std::pair<const char*, AddressKind> rows[] = {
      // IPv4
      {"8.8.8.8", K::kPublic},
      {"93.184.216.34", K::kPublic},
      {"0.0.0.0", K::kUnspecified},
      {"0.255.255.255", K::kUnspecified},
      {"1.0.0.0", K::kPublic},
      {"127.0.0.1", K::kLoopback},
      {"127.255.255.254", K::kLoopback},
      {"126.255.255.255", K::kPublic},
      {"128.0.0.0", K::kPublic},
      {"10.0.0.5", K::kPrivate},
      {"10.255.255.255", K::kPrivate},
      {"11.0.0.0", K::kPublic},
      {"172.16.0.0", K::kPrivate},
      {"172.31.255.255", K::kPrivate},
      {"172.15.255.255", K::kPublic},
      {"172.32.0.0", K::kPublic},
      {"192.168.1.1", K::kPrivate},
      {"192.169.0.0", K::kPublic},
      {"100.64.0.0", K::kShared},
      {"100.127.255.255", K::kShared},
      {"100.63.255.255", K::kPublic},
      {"100.128.0.0", K::kPublic},
      {"169.254.169.254", K::kLinkLocal},  // the cloud metadata service
      {"169.255.0.0", K::kPublic},
      {"224.0.0.1", K::kMulticast},
      {"239.255.255.255", K::kMulticast},
      {"240.0.0.1", K::kReserved},
      {"255.255.255.254", K::kReserved},
      {"255.255.255.255", K::kBroadcast},
      {"192.0.2.10", K::kReserved},
      {"198.18.0.1", K::kReserved},
      {"198.20.0.0", K::kPublic},
      // IPv6
      {"2606:4700:4700::1111", K::kPublic},
      {"::", K::kUnspecified},
      {"::1", K::kLoopback},
      {"::2", K::kReserved},  // IPv4-compatible, deprecated
      {"fe80::1", K::kLinkLocal},
      {"febf:ffff::1", K::kLinkLocal},
      {"fec0::1", K::kPrivate},
      {"fc00::1", K::kPrivate},
      {"fd12:3456:789a::1", K::kPrivate},
      {"fbff:ffff::1", K::kPublic},
      {"ff02::1", K::kMulticast},
      {"2001:db8::1", K::kReserved},
      // IPv4 embedded in IPv6: classified by the IPv4 address.
      {"::ffff:10.0.0.5", K::kPrivate},
      {"::ffff:127.0.0.1", K::kLoopback},
      {"::ffff:169.254.169.254", K::kLinkLocal},
      {"::ffff:100.64.0.1", K::kShared},
      {"::ffff:255.255.255.255", K::kBroadcast},
      {"::ffff:0.0.0.0", K::kUnspecified},
      {"::ffff:8.8.8.8", K::kPublic},
      {"64:ff9b::10.0.0.5", K::kPrivate},
      {"64:ff9b::8.8.8.8", K::kPublic},
      {"64:ff9b:1::1", K::kPrivate},
      {"2002:7f00:1::1", K::kLoopback},  // 6to4 of 127.0.0.1
      {"2002:0808:0808::1", K::kPublic},
  };
  for (const auto& [text, kind] : rows) {
    INFO(text);
    CHECK(Kind(text) == kind);
  }
}

TEST_CASE("addresses parse and print in their numeric forms only") {
  CHECK(!ParseIpAddress("localhost").has_value());
  CHECK(!ParseIpAddress("[::1]").has_value());
  CHECK(!ParseIpAddress("127.1").has_value());
  CHECK(!ParseIpAddress("").has_value());
  CHECK(FormatIpAddress(*ParseIpAddress("10.0.0.5")) == "10.0.0.5");
  CHECK(FormatIpAddress(*ParseIpAddress("0:0:0:0:0:0:0:1")) == "::1");
  CHECK(FormatIpAddress(*ParseIpAddress("::ffff:10.0.0.5")) == "::ffff:10.0.0.5");
  CHECK(ParseIpAddress("10.0.0.5")->v6 == false);
  CHECK(ParseIpAddress("::1")->v6 == true);
}

// The message of a refused URL; "ok <scheme> <host> <port>" when it parses.
std::string Parse(const std::string& url, UrlGuardOptions options = {}) {
  absl::StatusOr<ParsedWebhookUrl> u = ParseWebhookUrl(url, options);
  if (!u.ok()) {
    CHECK(u.status().code() == absl::StatusCode::kInvalidArgument);
    return std::string(u.status().message());
  }
  return "ok " + u->scheme + " " + u->host + " " + std::to_string(u->port) +
         (u->host_is_address ? " (address)" : "");
}

TEST_CASE("a subscription URL is an absolute http(s) URL with a host and no credentials") {
  const UrlGuardOptions http{.allow_http = true};
  CHECK(Parse("https://hooks.example.com/mc") == "ok https hooks.example.com 443");
  CHECK(Parse("HTTPS://Hooks.Example.com:8443/mc?x=1#f") == "ok https hooks.example.com 8443");
  CHECK(Parse("http://hooks.example.com/mc", http) == "ok http hooks.example.com 80");
  CHECK(Parse("https://10.0.0.5/mc") == "ok https 10.0.0.5 443 (address)");
  CHECK(Parse("https://[2001:db8::1]:9000/") == "ok https 2001:db8::1 9000 (address)");
  CHECK(Parse("https://xn--bcher-kva.example/") == "ok https xn--bcher-kva.example 443");
  CHECK(Parse("https://hooks.example.com:65535/") == "ok https hooks.example.com 65535");

  CHECK(Parse("") == "url: required");
  CHECK(Parse("http://hooks.example.com/mc") ==
        "url: http is not allowed: https only (allow http with --webhook_allow_http)");
  CHECK(Parse("ftp://hooks.example.com/mc", http) ==
        "url: scheme \"ftp\" is not allowed: https only (http with --webhook_allow_http)");
  CHECK(Parse("file:///etc/passwd", http).rfind("url: ", 0) == 0);
  CHECK(Parse("gopher://hooks.example.com/", http) ==
        "url: scheme \"gopher\" is not allowed: https only (http with --webhook_allow_http)");
  CHECK(Parse("https://user:pass@hooks.example.com/") ==
        "url: must not carry a user name or password (put credentials elsewhere)");
  CHECK(Parse("https://user@hooks.example.com/") ==
        "url: must not carry a user name or password (put credentials elsewhere)");
  CHECK(Parse("https://hooks.example.com:0/") == "url: the port must be 1 to 65535");
  CHECK(Parse("https://hooks.example.com:65536/") == "url: the port must be 1 to 65535");
  CHECK(Parse("https://hooks.example.com:99999999999/") == "url: the port must be 1 to 65535");
  CHECK(Parse("hooks.example.com/mc").rfind("url: not a valid absolute URL (", 0) == 0);
  CHECK(Parse("https:///mc") == "url: not a valid absolute URL (expected <scheme>://<host>...)");
  CHECK(Parse("https:/hooks.example.com/") ==
        "url: not a valid absolute URL (expected <scheme>://<host>...)");
  CHECK(Parse("https:\\\\hooks.example.com/").rfind("url: not a valid absolute URL", 0) == 0);
  // libcurl reads the other IPv4 forms as the address they denote, and so does the check.
  CHECK(Parse("https://127.1/") == "ok https 127.0.0.1 443 (address)");
  CHECK(Parse("https://0x7f.1/") == "ok https 127.0.0.1 443 (address)");
  CHECK(Parse("https://hooks.example.com/a b").rfind("url: not a valid absolute URL (", 0) == 0);
  CHECK(Parse("https://hooks.example.com/\r\nX-Injected: 1").rfind("url: ", 0) == 0);
  CHECK(Parse("https://[fe80::1%25eth0]/") == "url: must not carry an IPv6 zone id");
  CHECK(Parse("https://hooks.example.com/" + std::string(2048 - 26, 'a')) ==
        "ok https hooks.example.com 443");
  CHECK(Parse("https://hooks.example.com/" + std::string(2048 - 25, 'a')) ==
        "url: longer than 2048 characters");
}

struct FakeDns {
  std::map<std::string, std::vector<std::string>> names;
  int calls = 0;
  HostResolver resolver() {
    return [this](const std::string& host) -> absl::StatusOr<std::vector<IpAddress>> {
      ++calls;
      auto it = names.find(host);
      if (it == names.end()) {
        return absl::UnavailableError("url: cannot resolve host " + host + " (fake)");
      }
      std::vector<IpAddress> out;
      for (const std::string& a : it->second) out.push_back(*ParseIpAddress(a));
      return out;
    };
  }
};

// The message of a refused URL; "ok a,b,..." (the addresses) when allowed.
std::string Check(FakeDns& dns, const std::string& url, UrlGuardOptions options = {}) {
  absl::StatusOr<CheckedUrl> c = CheckWebhookUrl(url, options, dns.resolver());
  if (!c.ok()) return std::string(c.status().message());
  std::string out = "ok";
  for (size_t i = 0; i < c->addresses.size(); ++i) out += (i ? "," : " ") + c->addresses[i];
  return out;
}

TEST_CASE("a host is refused when any of its addresses is not public") {
  FakeDns dns;
  dns.names["hooks.example.com"] = {"93.184.216.34", "2606:2800:220:1::1", "93.184.216.34"};
  dns.names["mixed.example.com"] = {"93.184.216.34", "10.0.0.5"};
  dns.names["mapped.example.com"] = {"::ffff:192.168.0.1"};
  dns.names["metadata.example.com"] = {"169.254.169.254"};

  CHECK(Check(dns, "https://hooks.example.com/mc") == "ok 93.184.216.34,2606:2800:220:1::1");
  CHECK(Check(dns, "https://mixed.example.com/mc") ==
        "url: host mixed.example.com resolves to 10.0.0.5, a private address (allow with "
        "--webhook_allow_private_networks)");
  CHECK(Check(dns, "https://mapped.example.com/mc") ==
        "url: host mapped.example.com resolves to ::ffff:192.168.0.1, a private address (allow "
        "with --webhook_allow_private_networks)");
  CHECK(Check(dns, "https://metadata.example.com/") ==
        "url: host metadata.example.com resolves to 169.254.169.254, a link-local address "
        "(allow with --webhook_allow_private_networks)");
  CHECK(Check(dns, "https://10.0.0.5/mc") ==
        "url: host 10.0.0.5 is a private address (allow with --webhook_allow_private_networks)");
  CHECK(Check(dns, "https://[::1]:8443/mc") ==
        "url: host ::1 is a loopback address (allow with --webhook_allow_private_networks)");
  CHECK(Check(dns, "https://100.64.1.2/") ==
        "url: host 100.64.1.2 is a shared (carrier-grade NAT) address (allow with "
        "--webhook_allow_private_networks)");
  CHECK(Check(dns, "https://nowhere.example.com/") ==
        "url: cannot resolve host nowhere.example.com (fake)");

  const UrlGuardOptions open{.allow_private_networks = true};
  CHECK(Check(dns, "https://mixed.example.com/mc", open) == "ok 93.184.216.34,10.0.0.5");
  CHECK(Check(dns, "https://10.0.0.5/mc", open) == "ok 10.0.0.5");
  // The URL's own rules hold whatever the addresses.
  CHECK(Check(dns, "http://hooks.example.com/mc", open) ==
        "url: http is not allowed: https only (allow http with --webhook_allow_http)");
}

TEST_CASE("a numeric host is not resolved; a name is resolved once") {
  FakeDns dns;
  dns.names["hooks.example.com"] = {"93.184.216.34"};
  CHECK(Check(dns, "https://93.184.216.34/mc") == "ok 93.184.216.34");
  CHECK(dns.calls == 0);
  CHECK(Check(dns, "https://hooks.example.com/mc") == "ok 93.184.216.34");
  CHECK(dns.calls == 1);
  // A refused URL is not resolved at all.
  CHECK(Check(dns, "ftp://hooks.example.com/mc").rfind("url: scheme", 0) == 0);
  CHECK(dns.calls == 1);
}

TEST_CASE(
    "the system resolver: localhost is refused as loopback, a resolution failure is "
    "UNAVAILABLE") {
  absl::StatusOr<CheckedUrl> local = CheckWebhookUrl("https://localhost:8443/", {});
  REQUIRE(!local.ok());
  CHECK(local.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(local.status().message()).rfind("url: host localhost resolves to ", 0) == 0);
  CHECK(std::string(local.status().message()).find("a loopback address") != std::string::npos);

  absl::StatusOr<CheckedUrl> allowed =
      CheckWebhookUrl("https://localhost:8443/", {.allow_private_networks = true});
  REQUIRE(allowed.ok());
  CHECK(!allowed->addresses.empty());

  absl::StatusOr<std::vector<IpAddress>> none = ResolveHost("no-such-host.invalid");
  REQUIRE(!none.ok());
  CHECK(none.status().code() == absl::StatusCode::kUnavailable);
  CHECK(std::string(none.status().message())
            .rfind("url: cannot resolve host no-such-host.invalid (", 0) == 0);
}

}  // namespace
}  // namespace mc::execution
