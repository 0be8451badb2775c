// The console's request rules, table by table: the cookie's attributes, reading a cookie, the
// same-origin check and the CSRF token.
#include "control-service/console/console_request.h"

#include <catch2/catch.hpp>

namespace mc::control {
namespace {

TEST_CASE("the session cookie is HttpOnly, SameSite=Strict, on /console, Secure under TLS") {
  CHECK(SessionCookie("abc", false, absl::Hours(12)) ==
        "mc_console=abc; Path=/console; Max-Age=43200; HttpOnly; SameSite=Strict");
  CHECK(SessionCookie("abc", true, absl::Hours(1)) ==
        "mc_console=abc; Path=/console; Max-Age=3600; HttpOnly; SameSite=Strict; Secure");
  CHECK(ClearedSessionCookie(true) ==
        "mc_console=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
}

TEST_CASE("a cookie is read by its exact name") {
  struct Row {
    const char* header;
    const char* value;
  };
  for (const Row& r : {Row{"mc_console=abc", "abc"}, Row{"a=1; mc_console=xyz; b=2", "xyz"},
                       Row{"xmc_console=no; mc_console2=no", ""}, Row{"", ""},
                       Row{"mc_console=", ""}, Row{"  mc_console=v  ", "v"}}) {
    CAPTURE(r.header);
    CHECK(CookieValue(r.header, kConsoleCookie) == r.value);
  }
}

TEST_CASE("only the console's own origin may make a change") {
  struct Row {
    const char* origin;
    const char* fetch_site;
    const char* host;
    bool tls;
    bool ok;
  };
  for (const Row& r : {
           Row{"http://127.0.0.1:8080", "same-origin", "127.0.0.1:8080", false, true},
           Row{"https://console.example", "same-origin", "console.example", true, true},
           Row{"", "", "127.0.0.1:8080", false, true},  // not a browser: session + CSRF decide
           Row{"http://127.0.0.1:9999", "same-site", "127.0.0.1:8080", false, false},
           Row{"http://127.0.0.1:9999", "", "127.0.0.1:8080", false, false},  // older browser
           Row{"http://evil.example", "cross-site", "127.0.0.1:8080", false, false},
           Row{"", "cross-site", "127.0.0.1:8080", false, false},
           Row{"http://console.example", "same-origin", "console.example", true, false},
           Row{"null", "", "127.0.0.1:8080", false, false},  // a sandboxed or file page
       }) {
    CAPTURE(r.origin, r.fetch_site, r.host, r.tls);
    const absl::Status s = CheckSameOrigin(r.origin, r.fetch_site, r.host, r.tls);
    CHECK(s.ok() == r.ok);
    if (!r.ok) CHECK(s.code() == absl::StatusCode::kPermissionDenied);
  }
}

TEST_CASE("with --console_origin, only that origin and its host are accepted") {
  const char kPublic[] = "https://mc.example.com";
  CHECK(CheckSameOrigin("https://mc.example.com", "same-origin", "mc.example.com", false, kPublic)
            .ok());  // TLS ended by a proxy in front
  CHECK(CheckSameOrigin("", "", "mc.example.com", false, kPublic).ok());
  // A name rebound to the console's address: its own origin and Host, refused.
  CHECK(CheckSameOrigin("http://evil.example:8090", "same-origin", "evil.example:8090", false,
                        kPublic)
            .code() == absl::StatusCode::kPermissionDenied);
  CHECK(CheckSameOrigin("http://mc.example.com", "same-origin", "mc.example.com", false, kPublic)
            .code() == absl::StatusCode::kPermissionDenied);
}

TEST_CASE("a change carries the session's CSRF token") {
  CHECK(CheckCsrfToken("abc123", "abc123").ok());
  CHECK(CheckCsrfToken("", "abc123").message() == "csrf: the X-CSRF-Token header is missing");
  CHECK(CheckCsrfToken("abc124", "abc123").code() == absl::StatusCode::kPermissionDenied);
  CHECK(CheckCsrfToken("abc12", "abc123").message() == "csrf: the token is not this session's");
}

}  // namespace
}  // namespace mc::control
