// AttachmentSource: an email attachment named by a URL, as a template gives it; and
// CurlAttachmentFetcher, the source that downloads it: one HTTP GET with libcurl, under the
// rules of the webhook URL guard (webhooks/url_guard.h), against server-side request forgery:
//  - https only unless `guard.allow_http`; no user name or password in the URL; a host that is,
//    or resolves to, anything but a public address is refused unless
//    `guard.allow_private_networks`; the addresses the check resolved are pinned
//    (CURLOPT_RESOLVE), so a second resolution (DNS rebinding) cannot lead elsewhere;
//  - at most `max_redirects` redirects (301, 302, 303, 307, 308 with a Location), each target
//    checked and pinned like the first URL (0: none followed, a redirect is refused);
//  - the body is refused as it streams in, once it passes `max_bytes` (at once when the
//    Content-Length says so), never read to its end first;
//  - `connect_timeout` bounds each connection, `timeout` the whole fetch, redirects included;
//  - no proxy unless `proxy` names one (environment proxies are ignored), no compressed
//    answers, no cookies;
//  - the content type is the answer's Content-Type (normalised: common/mail/mail_field_checks.h),
//    application/octet-stream when it has none or none that is valid; the filename is the
//    URL's last path segment, percent-decoded ("attachment" when it has none); each unless the
//    request names it.
// Failure modes, messages beginning "attachment <the URL without its query>: ":
//  - FAILED_PRECONDITION, what a retry will not mend: a URL the guard refuses (saying why, with
//    the --attachment_allow_* flag that would allow it), a 4xx answer but 408 and 429, any
//    other status but 200, an answer over max_bytes, more than max_redirects redirects;
//  - UNAVAILABLE, what may pass (the event is retried: a soft failure): no connection, a
//    resolution, TLS or timeout error, a 5xx, 408 or 429 answer.
// Thread-safe: every fetch has its own libcurl handle. Needs libcurl's global init
// (curl_global_init before any thread, as main.cc does); the constructor calls it too,
// reference-counted.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "execution-service/delivery/message.h"
#include "execution-service/webhooks/url_guard.h"

namespace mc::execution {

struct AttachmentRequest {
  // The publication the attachment belongs to, e.g. "<template id>/<version>": AttachmentCache
  // (attachment_cache.h) keeps one copy per (cache_key, url). Empty: never cached.
  std::string cache_key;
  std::string filename;      // empty: the URL's last path segment
  std::string content_type;  // empty: the answer's Content-Type
};

class AttachmentSource {
 public:
  virtual ~AttachmentSource() = default;
  [[nodiscard]] virtual absl::StatusOr<Attachment> Fetch(const std::string& url,
                                                         const AttachmentRequest& request) = 0;
};

struct AttachmentFetcherOptions {
  UrlGuardOptions guard{.flag_prefix = "attachment"};
  size_t max_bytes = size_t{10} << 20;  // one attachment
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration timeout = absl::Seconds(30);
  int max_redirects = 3;
  std::string user_agent = "MessageCenter-Attachments";
  std::string proxy;    // empty: connect directly
  std::string ca_file;  // empty: the system's CA certificates
  HostResolver resolve = ResolveHost;
};

class CurlAttachmentFetcher final : public AttachmentSource {
 public:
  explicit CurlAttachmentFetcher(AttachmentFetcherOptions options = {});
  ~CurlAttachmentFetcher() override;
  CurlAttachmentFetcher(const CurlAttachmentFetcher&) = delete;
  CurlAttachmentFetcher& operator=(const CurlAttachmentFetcher&) = delete;

  [[nodiscard]] absl::StatusOr<Attachment> Fetch(const std::string& url,
                                                 const AttachmentRequest& request) override;

 private:
  const AttachmentFetcherOptions options_;
};

// The URL as error messages and logs show it: without user information, query or fragment
// (a signed URL's signature stays out of event statuses).
std::string RedactedUrl(absl::string_view url);

// The URL's last path segment, percent-decoded, control characters and '\' dropped; "" when
// the path has none.
std::string FilenameFromUrl(absl::string_view url);

}  // namespace mc::execution
