#include "execution-service/webhooks/url_guard.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/text/utf8.h"

namespace mc::execution {
namespace {

struct Ipv4Range {
  uint32_t prefix;
  int bits;
  AddressKind kind;
};

constexpr uint32_t V4(int a, int b, int c, int d) {
  return (static_cast<uint32_t>(a) << 24) | (static_cast<uint32_t>(b) << 16) |
         (static_cast<uint32_t>(c) << 8) | static_cast<uint32_t>(d);
}

// Every IPv4 range that is not the public Internet (IANA special-purpose registry), most
// specific first where they nest.
constexpr Ipv4Range kIpv4Ranges[] = {
    {V4(255, 255, 255, 255), 32, AddressKind::kBroadcast},
    {V4(0, 0, 0, 0), 8, AddressKind::kUnspecified},
    {V4(127, 0, 0, 0), 8, AddressKind::kLoopback},
    {V4(10, 0, 0, 0), 8, AddressKind::kPrivate},
    {V4(172, 16, 0, 0), 12, AddressKind::kPrivate},
    {V4(192, 168, 0, 0), 16, AddressKind::kPrivate},
    {V4(100, 64, 0, 0), 10, AddressKind::kShared},
    {V4(169, 254, 0, 0), 16, AddressKind::kLinkLocal},
    {V4(224, 0, 0, 0), 4, AddressKind::kMulticast},
    {V4(240, 0, 0, 0), 4, AddressKind::kReserved},
    {V4(192, 0, 0, 0), 24, AddressKind::kReserved},     // IETF protocol assignments
    {V4(192, 0, 2, 0), 24, AddressKind::kReserved},     // documentation
    {V4(198, 51, 100, 0), 24, AddressKind::kReserved},  // documentation
    {V4(203, 0, 113, 0), 24, AddressKind::kReserved},   // documentation
    {V4(198, 18, 0, 0), 15, AddressKind::kReserved},    // benchmarking
    {V4(192, 88, 99, 0), 24, AddressKind::kReserved},   // former 6to4 relays
};

AddressKind ClassifyIpv4(uint32_t a) {
  for (const Ipv4Range& r : kIpv4Ranges) {
    const uint32_t mask = r.bits == 0 ? 0 : ~uint32_t{0} << (32 - r.bits);
    if ((a & mask) == r.prefix) return r.kind;
  }
  return AddressKind::kPublic;
}

uint32_t Ipv4At(const std::array<uint8_t, 16>& b, int at) {
  return V4(b[at], b[at + 1], b[at + 2], b[at + 3]);
}

bool StartsWithBytes(const std::array<uint8_t, 16>& b, std::initializer_list<uint8_t> prefix) {
  return std::equal(prefix.begin(), prefix.end(), b.begin());
}

AddressKind ClassifyIpv6(const std::array<uint8_t, 16>& b) {
  const bool first_80_zero = std::all_of(b.begin(), b.begin() + 10, [](uint8_t x) { return !x; });
  if (first_80_zero && b[10] == 0xff && b[11] == 0xff) return ClassifyIpv4(Ipv4At(b, 12));
  if (first_80_zero && b[10] == 0 && b[11] == 0) {
    const uint32_t low = Ipv4At(b, 12);
    if (low == 0) return AddressKind::kUnspecified;
    if (low == 1) return AddressKind::kLoopback;
    return AddressKind::kReserved;  // IPv4-compatible (deprecated) ::a.b.c.d
  }
  // NAT64, well-known prefix 64:ff9b::/96: the IPv4 address it reaches.
  if (StartsWithBytes(b, {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0})) {
    return ClassifyIpv4(Ipv4At(b, 12));
  }
  if (StartsWithBytes(b, {0x00, 0x64, 0xff, 0x9b, 0x00, 0x01})) return AddressKind::kPrivate;
  // 6to4 2002::/16: the IPv4 address in bits 16..47.
  if (b[0] == 0x20 && b[1] == 0x02) return ClassifyIpv4(Ipv4At(b, 2));
  if (b[0] == 0xff) return AddressKind::kMulticast;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return AddressKind::kLinkLocal;        // fe80::/10
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return AddressKind::kPrivate;          // fec0::/10
  if ((b[0] & 0xfe) == 0xfc) return AddressKind::kPrivate;                          // fc00::/7
  if (StartsWithBytes(b, {0x20, 0x01, 0x0d, 0xb8})) return AddressKind::kReserved;  // docs
  if (StartsWithBytes(b, {0x01, 0x00, 0, 0, 0, 0, 0, 0})) return AddressKind::kReserved;
  return AddressKind::kPublic;
}

absl::Status Invalid(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("url: ", why));
}

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

// A part of the URL, or nullopt when the URL has none.
std::optional<std::string> Part(CURLU* u, CURLUPart part, unsigned int flags = 0) {
  char* value = nullptr;
  if (curl_url_get(u, part, &value, flags) != CURLUE_OK || value == nullptr) return std::nullopt;
  std::string out(value);
  curl_free(value);
  return out;
}

absl::Status RefuseAddress(const ParsedWebhookUrl& url, const IpAddress& address, AddressKind kind,
                           const UrlGuardOptions& options) {
  const std::string text = FormatIpAddress(address);
  const std::string what =
      url.host_is_address
          ? absl::StrCat("host ", text, " is ", AddressKindPhrase(kind))
          : absl::StrCat("host ", url.host, " resolves to ", text, ", ", AddressKindPhrase(kind));
  return Invalid(
      absl::StrCat(what, " (allow with --", options.flag_prefix, "_allow_private_networks)"));
}

}  // namespace

std::optional<IpAddress> ParseIpAddress(absl::string_view text) {
  const std::string s(text);
  IpAddress a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) return a;
  a.v6 = true;
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) return a;
  return std::nullopt;
}

std::string FormatIpAddress(const IpAddress& address) {
  char buf[INET6_ADDRSTRLEN] = {0};
  inet_ntop(address.v6 ? AF_INET6 : AF_INET, address.bytes.data(), buf, sizeof buf);
  return buf;
}

AddressKind ClassifyAddress(const IpAddress& address) {
  return address.v6 ? ClassifyIpv6(address.bytes) : ClassifyIpv4(Ipv4At(address.bytes, 0));
}

absl::string_view AddressKindPhrase(AddressKind kind) {
  switch (kind) {
    case AddressKind::kPublic:
      return "a public address";
    case AddressKind::kLoopback:
      return "a loopback address";
    case AddressKind::kLinkLocal:
      return "a link-local address";
    case AddressKind::kPrivate:
      return "a private address";
    case AddressKind::kShared:
      return "a shared (carrier-grade NAT) address";
    case AddressKind::kUnspecified:
      return "an unspecified address";
    case AddressKind::kMulticast:
      return "a multicast address";
    case AddressKind::kBroadcast:
      return "a broadcast address";
    case AddressKind::kReserved:
      return "a reserved address";
  }
  return "an address";
}

absl::StatusOr<ParsedWebhookUrl> ParseWebhookUrl(absl::string_view url,
                                                 const UrlGuardOptions& options) {
  if (url.empty()) return Invalid("required");
  if (text::CodePoints(url) > kMaxWebhookUrlChars) {
    return Invalid(absl::StrCat("longer than ", kMaxWebhookUrlChars, " characters"));
  }
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u) return absl::ResourceExhaustedError("url: out of memory");
  const std::string text(url);
  unsigned int flags = CURLU_NON_SUPPORT_SCHEME;
  const CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, text.c_str(), flags);
  if (rc == CURLUE_BAD_PORT_NUMBER) return Invalid("the port must be 1 to 65535");
  if (rc != CURLUE_OK) {
    return Invalid(absl::StrCat("not a valid absolute URL (", curl_url_strerror(rc), ")"));
  }
  ParsedWebhookUrl out;
  out.scheme = absl::AsciiStrToLower(Part(u.get(), CURLUPART_SCHEME).value_or(""));
  // libcurl is lenient with slashes ("https:/host", "https:///host"); other parsers are not,
  // and a URL two parsers read differently is a way around the check.
  const absl::string_view rest = absl::string_view(url).substr(out.scheme.size());
  if (!absl::StartsWith(rest, "://") || rest.size() == 3 || rest[3] == '/' || rest[3] == '\\') {
    return Invalid("not a valid absolute URL (expected <scheme>://<host>...)");
  }
  if (out.scheme == "http") {
    if (!options.allow_http) {
      return Invalid(absl::StrCat("http is not allowed: https only (allow http with --",
                                  options.flag_prefix, "_allow_http)"));
    }
  } else if (out.scheme != "https") {
    return Invalid(absl::StrCat("scheme \"", out.scheme,
                                "\" is not allowed: https only (http with --", options.flag_prefix,
                                "_allow_http)"));
  }
  if (Part(u.get(), CURLUPART_USER) || Part(u.get(), CURLUPART_PASSWORD) ||
      Part(u.get(), CURLUPART_OPTIONS)) {
    return Invalid("must not carry a user name or password (put credentials elsewhere)");
  }
  if (Part(u.get(), CURLUPART_ZONEID)) return Invalid("must not carry an IPv6 zone id");
  unsigned int host_flags = 0;
#ifdef CURLU_PUNYCODE
  host_flags |= CURLU_PUNYCODE;  // what libcurl looks up for an IDN host
#endif
  std::string host = Part(u.get(), CURLUPART_HOST, host_flags).value_or("");
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) return Invalid("no host");
  if (std::any_of(host.begin(), host.end(), [](char c) { return !absl::ascii_isprint(c); })) {
    return Invalid("write an internationalised host name in its ASCII (xn--) form");
  }
  out.host = absl::AsciiStrToLower(host);
  out.host_is_address = ParseIpAddress(host).has_value();
  const std::string port = Part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT).value_or("");
  if (!absl::SimpleAtoi(port, &out.port) || out.port < 1 || out.port > 65535) {
    return Invalid("the port must be 1 to 65535");
  }
  return out;
}

absl::StatusOr<std::vector<IpAddress>> ResolveHost(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0) {
    return absl::UnavailableError(
        absl::StrCat("url: cannot resolve host ", host, " (", gai_strerror(rc), ")"));
  }
  std::vector<IpAddress> out;
  for (const addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    IpAddress a;
    if (ai->ai_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
      std::memcpy(a.bytes.data(), &sin->sin_addr, 4);
    } else if (ai->ai_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
      a.v6 = true;
      std::memcpy(a.bytes.data(), &sin6->sin6_addr, 16);
    } else {
      continue;
    }
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
  freeaddrinfo(res);
  if (out.empty()) {
    return absl::UnavailableError(
        absl::StrCat("url: cannot resolve host ", host, " (no IPv4 or IPv6 address)"));
  }
  return out;
}

absl::StatusOr<CheckedUrl> CheckWebhookUrl(absl::string_view url, const UrlGuardOptions& options,
                                           const HostResolver& resolve) {
  absl::StatusOr<ParsedWebhookUrl> parsed = ParseWebhookUrl(url, options);
  if (!parsed.ok()) return parsed.status();
  CheckedUrl out{*std::move(parsed), {}};
  std::vector<IpAddress> addresses;
  if (out.url.host_is_address) {
    addresses.push_back(*ParseIpAddress(out.url.host));
  } else {
    absl::StatusOr<std::vector<IpAddress>> resolved = resolve(out.url.host);
    if (!resolved.ok()) return resolved.status();
    if (resolved->empty()) {
      return absl::UnavailableError(
          absl::StrCat("url: cannot resolve host ", out.url.host, " (no address)"));
    }
    addresses = *std::move(resolved);
  }
  for (const IpAddress& a : addresses) {
    const AddressKind kind = ClassifyAddress(a);
    if (kind != AddressKind::kPublic && !options.allow_private_networks) {
      return RefuseAddress(out.url, a, kind, options);
    }
    std::string text = FormatIpAddress(a);
    if (std::find(out.addresses.begin(), out.addresses.end(), text) == out.addresses.end()) {
      out.addresses.push_back(std::move(text));
    }
  }
  return out;
}

}  // namespace mc::execution
