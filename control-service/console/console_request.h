// The console's request rules, as pure functions: its session cookie (HttpOnly, SameSite=Strict,
// Path=/console, Secure when served over TLS), and the checks every change passes besides the
// session itself: it comes from the console's own pages (Sec-Fetch-Site, when the browser sends
// it, is same-origin; Origin, when sent, is this listener's own scheme://Host) and carries the
// session's CSRF token in X-CSRF-Token. A cross-site form or script fails the first check; a
// page of another port of the same host (same site, so SameSite lets the cookie through) fails
// it by its Origin, and cannot read or send the CSRF token either.
// Failure modes: PERMISSION_DENIED naming what was wrong. Thread-safe (no state).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace mc::control {

inline constexpr char kConsoleCookie[] = "mc_console";
inline constexpr char kCsrfHeader[] = "X-CSRF-Token";

// The Set-Cookie value giving the browser session `id`; `max_age` is how long it may keep it.
std::string SessionCookie(absl::string_view id, bool secure, absl::Duration max_age);
// The Set-Cookie value that makes the browser forget the session.
std::string ClearedSessionCookie(bool secure);
// The value of cookie `name` in a Cookie header ("a=1; b=2"); "" when absent.
std::string CookieValue(absl::string_view cookie_header, absl::string_view name);

// OK when the request comes from this listener's own pages (see above). `public_origin`
// (--console_origin, "https://mc.example.com"), when set, is the only origin accepted, and the
// request's Host must be its host: for a console behind a proxy that ends TLS, and against a
// name rebound to this address; else the origin is `tls` ? https : http, and the Host.
[[nodiscard]] absl::Status CheckSameOrigin(absl::string_view origin,
                                           absl::string_view sec_fetch_site, absl::string_view host,
                                           bool tls, absl::string_view public_origin = "");
// OK when `sent` equals the session's token (compared in constant time).
[[nodiscard]] absl::Status CheckCsrfToken(absl::string_view sent, absl::string_view expected);

}  // namespace mc::control
