// WebhookTransport: one HTTP POST of a webhook, as WebhookSender needs it, behind a narrow
// interface (CurlWebhookTransport is the real one; tests use fakes). Post never throws and
// never fails as a status: every outcome, an answer or why there was none, is an HttpResult.
// Implementations are thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace mc::execution {

struct HttpRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // name, value
  std::string body;
  absl::Duration timeout = absl::Seconds(15);  // the whole POST, connection included
  // Numeric addresses to connect to for the URL's host (CheckWebhookUrl's): no resolution of
  // its own then. Empty: the host is resolved as usual.
  std::vector<std::string> pinned_addresses;
};

enum class HttpErrorClass { kNone, kTimeout, kConnectRefused, kDns, kTls, kOther };
absl::string_view HttpErrorClassName(HttpErrorClass e);  // "none", "timeout", "refused", ...

// "MessageCenter-Webhooks/<the build's version>".
std::string DefaultWebhookUserAgent();

struct HttpResult {
  int status = 0;  // the HTTP status; 0 when no answer came
  HttpErrorClass error = HttpErrorClass::kNone;
  std::string message;       // why, when error is not kNone (no secret in it)
  std::string body_snippet;  // the start of the answer's body (CurlWebhookTransport: 4 KiB)
  absl::Duration latency;
};

class WebhookTransport {
 public:
  virtual ~WebhookTransport() = default;
  virtual HttpResult Post(const HttpRequest& request) = 0;
};

}  // namespace mc::execution
