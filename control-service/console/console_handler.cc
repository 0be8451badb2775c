#include "control-service/console/console_handler.h"

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/http_gateway/http_status.h"
#include "control-service/console/console_assets.h"
#include "control-service/console/console_request.h"

namespace mc::control {
namespace {

constexpr char kJson[] = "application/json";
using Headers = std::vector<std::pair<std::string, std::string>>;

// What every answer of the console carries: nothing cached, sniffed, framed or referred.
Headers BaseHeaders() {
  return {{"Cache-Control", "no-store"},
          {"X-Content-Type-Options", "nosniff"},
          {"X-Frame-Options", "DENY"},
          {"Referrer-Policy", "no-referrer"}};
}

void ReplyError(http::HttpExchange& ex, const absl::Status& s, Headers headers = BaseHeaders()) {
  const int code = static_cast<int>(s.code());
  ex.Reply(http::HttpStatusOf(code), kJson, http::ErrorJson(code, s.message()), headers);
}

void ReplyJson(http::HttpExchange& ex, const nlohmann::json& body, Headers headers) {
  ex.Reply(200, kJson, body.dump(), headers);
}

// What the page learns of its session: the CSRF token to echo, and when it goes idle.
nlohmann::json SessionJson(const std::string& csrf_token, const ConsoleSessions& sessions) {
  return {{"csrfToken", csrf_token},
          {"idleSeconds", absl::ToInt64Seconds(sessions.options().idle)}};
}

}  // namespace

bool ConsoleHandler::Handle(http::HttpExchange& ex, http::JsonGateway& gateway) {
  const std::string& path = ex.path();
  if (path == "/console") {
    Headers h = BaseHeaders();
    h.emplace_back("Location", "/console/");
    ex.Reply(301, "text/plain", "/console/\n", h);
    return true;
  }
  if (!absl::StartsWith(path, "/console/")) return false;
  const absl::string_view rest = absl::string_view(path).substr(sizeof("/console/") - 1);
  if (rest == "session") {
    if (ex.method() == "POST") {
      SignIn(ex);
    } else if (ex.method() == "GET") {
      Session(ex);
    } else if (ex.method() == "DELETE") {
      SignOut(ex);
    } else {
      ex.Reply(405, kJson, http::ErrorJson(12, "GET, POST or DELETE /console/session", 405),
               BaseHeaders());
    }
    return true;
  }
  if (absl::StartsWith(rest, "api/")) {
    Call(ex, gateway, rest.substr(4));
    return true;
  }
  if (ex.method() != "GET" && ex.method() != "HEAD") {
    ex.Reply(405, kJson, http::ErrorJson(12, absl::StrCat("GET ", path), 405), BaseHeaders());
    return true;
  }
  ServeFile(ex, rest.empty() ? "index.html" : rest);
  return true;
}

void ConsoleHandler::ServeFile(http::HttpExchange& ex, absl::string_view name) {
  const ConsoleAsset* asset = FindConsoleAsset(name);
  if (asset == nullptr) {
    ReplyError(ex, absl::NotFoundError(absl::StrCat("path: the console has no ", name)));
    return;
  }
  Headers h = BaseHeaders();
  if (absl::StartsWith(name, "assets/")) h[0].second = "private, max-age=3600";
  h.emplace_back("Content-Security-Policy",
                 "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src "
                 "'self' data:; "
                 "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; "
                 "frame-ancestors 'none'");
  ex.Reply(200, asset->content_type, asset->body, h);
}

bool ConsoleHandler::SameOrigin(http::HttpExchange& ex) {
  absl::Status s = CheckSameOrigin(ex.Header("Origin"), ex.Header("Sec-Fetch-Site"),
                                   ex.Header("Host"), tls_, public_origin_);
  if (s.ok()) return true;
  ReplyError(ex, s);
  return false;
}

std::optional<ConsoleSession> ConsoleHandler::SessionOf(http::HttpExchange& ex, std::string* id) {
  const std::string cookie = CookieValue(ex.Header("Cookie"), kConsoleCookie);
  std::optional<ConsoleSession> session;
  if (!cookie.empty()) session = sessions_.Find(cookie, absl::Now());
  if (!session) {
    Headers h = BaseHeaders();
    if (!cookie.empty()) h.emplace_back("Set-Cookie", ClearedSessionCookie(secure_cookie_));
    ReplyError(ex,
               absl::UnauthenticatedError(cookie.empty()
                                              ? "session: sign in with an operator token"
                                              : "session: expired or signed out, sign in again"),
               h);
    return std::nullopt;
  }
  if (id != nullptr) *id = cookie;
  return session;
}

void ConsoleHandler::SignIn(http::HttpExchange& ex) {
  if (!SameOrigin(ex)) return;
  const std::string authorization = ex.Header("Authorization");
  if (!absl::StartsWith(authorization, "Bearer ")) {
    ReplyError(ex, absl::UnauthenticatedError(
                       "authorization: sign in with an operator token (Bearer <token>)"));
    return;
  }
  // The gate's own check, as for an operator's call: the same hashes, refusals and drain.
  if (absl::Status s = gate_.Enter(authorization, grpcutil::kOperator); !s.ok()) {
    ReplyError(ex, s);
    return;
  }
  gate_.Leave();
  // A new session each sign-in; the one the browser held, if any, ends.
  if (const std::string old = CookieValue(ex.Header("Cookie"), kConsoleCookie); !old.empty()) {
    sessions_.Remove(old);
  }
  ConsoleSessions::Created created = sessions_.Create(authorization, absl::Now());
  Headers h = BaseHeaders();
  h.emplace_back("Set-Cookie",
                 SessionCookie(created.id, secure_cookie_, sessions_.options().lifetime));
  ReplyJson(ex, SessionJson(created.csrf_token, sessions_), h);
}

void ConsoleHandler::Session(http::HttpExchange& ex) {
  std::optional<ConsoleSession> session = SessionOf(ex);
  if (!session) return;
  ReplyJson(ex, SessionJson(session->csrf_token, sessions_), BaseHeaders());
}

std::optional<ConsoleSession> ConsoleHandler::ChangeSession(http::HttpExchange& ex,
                                                            std::string* id) {
  if (!SameOrigin(ex)) return std::nullopt;
  std::optional<ConsoleSession> session = SessionOf(ex, id);
  if (!session) return std::nullopt;
  if (absl::Status s = CheckCsrfToken(ex.Header(kCsrfHeader), session->csrf_token); !s.ok()) {
    ReplyError(ex, s);
    return std::nullopt;
  }
  return session;
}

void ConsoleHandler::SignOut(http::HttpExchange& ex) {
  std::string id;
  if (!ChangeSession(ex, &id)) return;
  sessions_.Remove(id);
  Headers h = BaseHeaders();
  h.emplace_back("Set-Cookie", ClearedSessionCookie(secure_cookie_));
  ReplyJson(ex, nlohmann::json::object(), h);
}

void ConsoleHandler::Call(http::HttpExchange& ex, http::JsonGateway& gateway,
                          absl::string_view rest) {
  if (ex.method() != "POST") {
    ex.Reply(405, kJson, http::ErrorJson(12, "POST /console/api/<service>/<method>", 405),
             BaseHeaders());
    return;
  }
  const std::vector<absl::string_view> parts = absl::StrSplit(rest, '/');
  if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) {
    ReplyError(ex, absl::NotFoundError("path: /console/api/<service>/<method>"));
    return;
  }
  std::string id;
  std::optional<ConsoleSession> session = ChangeSession(ex, &id);
  if (!session) return;
  sessions_.Touch(id, absl::Now());  // only a call that passed every check keeps it alive
  gateway.HandleCall(ex, parts[0], parts[1], session->authorization);
}

}  // namespace mc::control
