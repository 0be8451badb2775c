// ConsoleHandler: the web console on the control instance's HTTP listener, under /console/.
// It serves the console's page and files (console_assets.h), its sessions, and its calls:
//   GET    /console/                       the page (one page; it draws every view itself)
//   GET    /console/assets/<file>          its script, style, Bootstrap 5 and D3
//   POST   /console/session                sign-in: Authorization: Bearer <operator token>,
//                                          checked by the call gate as an operator's call
//                                          (no body read); sets the session cookie and
//                                          answers {"csrfToken": ...}
//   GET    /console/session                the session's {"csrfToken"}, or 401
//   DELETE /console/session                sign-out
//   POST   /console/api/<service>/<method> an RPC as JSON through the gateway, as the
//                                          session's token: the API's roles, rules and answers
// Every change (sign-in, sign-out, each call) must come from the console's own pages
// (console_request.h: Sec-Fetch-Site and Origin) and, once signed in, carry the session's CSRF
// token; the page is sent with a Content-Security-Policy allowing only its own scripts (inline
// styles too, for the previews of messages' HTML), and never framed.
// Failure modes: every refusal is a JSON error (http_status.h's shape): 401 no or an expired
// session (or a refused token at sign-in), 403 another origin, no or a wrong CSRF token, a
// token without the operator role; 404 unknown paths; 405 another verb.
// Thread-safe (ConsoleSessions is).
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "common/grpc/call_gate.h"
#include "common/http/http_server.h"
#include "common/http_gateway/json_gateway.h"
#include "control-service/console/console_sessions.h"

namespace mc::control {

class ConsoleHandler {
 public:
  // `tls`: the listener is HTTPS. `public_origin` (--console_origin): the one origin the
  // console is served as, when set (console_request.h). The cookie is Secure when either says
  // https.
  ConsoleHandler(ConsoleSessions& sessions, grpcutil::CallGate& gate, bool tls,
                 std::string public_origin = "")
      : sessions_(sessions),
        gate_(gate),
        tls_(tls),
        public_origin_(std::move(public_origin)),
        secure_cookie_(tls || public_origin_.rfind("https://", 0) == 0) {}

  // Answers the requests under /console and returns true; false for every other path.
  bool Handle(http::HttpExchange& exchange, http::JsonGateway& gateway);

 private:
  void ServeFile(http::HttpExchange& ex, absl::string_view name);
  void SignIn(http::HttpExchange& ex);
  void Session(http::HttpExchange& ex);
  void SignOut(http::HttpExchange& ex);
  void Call(http::HttpExchange& ex, http::JsonGateway& gateway, absl::string_view rest);
  // The request's live session, or the 401 sent.
  std::optional<ConsoleSession> SessionOf(http::HttpExchange& ex, std::string* id = nullptr);
  // OK for a change from the console's pages; otherwise the 403 is sent.
  bool SameOrigin(http::HttpExchange& ex);
  // The session of a change: same origin, a live session, its CSRF token; or the refusal sent.
  std::optional<ConsoleSession> ChangeSession(http::HttpExchange& ex, std::string* id);

  ConsoleSessions& sessions_;
  grpcutil::CallGate& gate_;
  const bool tls_;
  const std::string public_origin_;
  const bool secure_cookie_;
};

}  // namespace mc::control
