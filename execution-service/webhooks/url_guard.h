// UrlGuard: whether a subscription URL may be called (webhooks.proto, WebhookSubscription.url),
// against server-side request forgery:
//  - ParseWebhookUrl (no I/O): http or https (http only with allow_http), an absolute URL of at
//    most 2048 characters, no user name or password, a host, a port 1..65535. Parsed by
//    libcurl's own URL parser, so the host checked is the host the transport connects to.
//  - ClassifyAddress (pure): what an IP address is: public, or loopback, link-local, private
//    (RFC 1918, fc00::/7, fec0::/10), shared (CGNAT 100.64.0.0/10), unspecified, multicast,
//    broadcast, reserved (0/8 aside: 240/4, documentation and benchmarking ranges, ...).
//    IPv4 forms embedded in IPv6 (mapped ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16) are
//    classified by the IPv4 address they carry.
//  - CheckWebhookUrl: both, plus the resolution of a host name (getaddrinfo unless a resolver
//    is given): refused when ANY address it resolves to is not public, unless
//    allow_private_networks. Returns the addresses, which the transport pins
//    (HttpRequest::pinned_addresses, CURLOPT_RESOLVE) so that a second resolution between the
//    check and the connection (DNS rebinding) cannot lead elsewhere.
// Failure modes: INVALID_ARGUMENT "url: ..." saying why (e.g. "url: host 10.0.0.5 is a private
// address (allow with --webhook_allow_private_networks)"); UNAVAILABLE "url: cannot resolve
// host ..." when the resolution fails (transient or not: the caller decides). Thread-safe (no
// state; getaddrinfo is).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace mc::execution {

struct UrlGuardOptions {
  bool allow_http = false;              // --webhook_allow_http
  bool allow_private_networks = false;  // --webhook_allow_private_networks
  // The flags a refusal names: --<flag_prefix>_allow_http, --<flag_prefix>_allow_private_networks
  // (attachment_fetcher.h guards its URLs with its own).
  std::string flag_prefix = "webhook";
};

inline constexpr size_t kMaxWebhookUrlChars = 2048;

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4: the first 4, network order
  bool operator==(const IpAddress&) const = default;
};
// Numeric text (inet_pton: dotted quad, or IPv6 without brackets or zone); nullopt otherwise.
std::optional<IpAddress> ParseIpAddress(absl::string_view text);
std::string FormatIpAddress(const IpAddress& address);  // inet_ntop's form

enum class AddressKind {
  kPublic,
  kLoopback,
  kLinkLocal,
  kPrivate,
  kShared,  // 100.64.0.0/10, carrier-grade NAT
  kUnspecified,
  kMulticast,
  kBroadcast,
  kReserved,
};
AddressKind ClassifyAddress(const IpAddress& address);
// "a private address", "a loopback address", ...
absl::string_view AddressKindPhrase(AddressKind kind);

struct ParsedWebhookUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // as libcurl connects to it: IDN in its xn-- form, IPv6 without brackets
  int port = 0;        // the scheme's default when the URL has none
  bool host_is_address = false;
};
[[nodiscard]] absl::StatusOr<ParsedWebhookUrl> ParseWebhookUrl(absl::string_view url,
                                                               const UrlGuardOptions& options);

// Resolves a host name to its addresses. Fails UNAVAILABLE "url: cannot resolve host ...".
using HostResolver = std::function<absl::StatusOr<std::vector<IpAddress>>(const std::string&)>;
[[nodiscard]] absl::StatusOr<std::vector<IpAddress>> ResolveHost(const std::string& host);

struct CheckedUrl {
  ParsedWebhookUrl url;
  std::vector<std::string> addresses;  // numeric, distinct, in the resolver's order
};
[[nodiscard]] absl::StatusOr<CheckedUrl> CheckWebhookUrl(absl::string_view url,
                                                         const UrlGuardOptions& options,
                                                         const HostResolver& resolve = ResolveHost);

}  // namespace mc::execution
