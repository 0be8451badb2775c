#include "control-service/console/console_request.h"

#include <openssl/crypto.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace mc::control {

std::string SessionCookie(absl::string_view id, bool secure, absl::Duration max_age) {
  return absl::StrCat(kConsoleCookie, "=", id,
                      "; Path=/console; Max-Age=", absl::ToInt64Seconds(max_age),
                      "; HttpOnly; SameSite=Strict", secure ? "; Secure" : "");
}

std::string ClearedSessionCookie(bool secure) {
  return absl::StrCat(kConsoleCookie, "=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict",
                      secure ? "; Secure" : "");
}

std::string CookieValue(absl::string_view cookie_header, absl::string_view name) {
  for (absl::string_view part : absl::StrSplit(cookie_header, ';')) {
    part = absl::StripAsciiWhitespace(part);
    const size_t eq = part.find('=');
    if (eq != absl::string_view::npos && part.substr(0, eq) == name) {
      return std::string(part.substr(eq + 1));
    }
  }
  return "";
}

absl::Status CheckSameOrigin(absl::string_view origin, absl::string_view sec_fetch_site,
                             absl::string_view host, bool tls, absl::string_view public_origin) {
  if (!sec_fetch_site.empty() && sec_fetch_site != "same-origin") {
    return absl::PermissionDeniedError(
        absl::StrCat("origin: a ", sec_fetch_site, " request may not use the console"));
  }
  std::string expected = absl::StrCat(tls ? "https://" : "http://", host);
  if (!public_origin.empty()) {
    const size_t scheme_end = public_origin.find("://");
    const absl::string_view public_host = scheme_end == absl::string_view::npos
                                              ? public_origin
                                              : public_origin.substr(scheme_end + 3);
    if (host != public_host) {
      return absl::PermissionDeniedError(
          absl::StrCat("origin: the console is served as ", public_origin, ", not to ", host));
    }
    expected = std::string(public_origin);
  }
  if (!origin.empty() && origin != expected) {
    return absl::PermissionDeniedError(
        absl::StrCat("origin: ", origin, " is not this console's origin"));
  }
  return absl::OkStatus();
}

absl::Status CheckCsrfToken(absl::string_view sent, absl::string_view expected) {
  if (sent.empty()) {
    return absl::PermissionDeniedError(
        absl::StrCat("csrf: the ", kCsrfHeader, " header is missing"));
  }
  if (sent.size() != expected.size() ||
      CRYPTO_memcmp(sent.data(), expected.data(), sent.size()) != 0) {
    return absl::PermissionDeniedError("csrf: the token is not this session's");
  }
  return absl::OkStatus();
}

}  // namespace mc::control
