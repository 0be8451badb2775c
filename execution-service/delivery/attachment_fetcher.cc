#include "execution-service/delivery/attachment_fetcher.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/mail/mail_field_checks.h"

namespace mc::execution {
namespace {

// What a non-200 answer's body may be read to before the transfer stops (its status decides).
constexpr size_t kMaxOtherBody = 64 << 10;

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

struct BodySink {
  CURL* curl;
  std::string* body;
  size_t limit;
  bool too_large = false;
};

// Keeps a 200's body up to the limit and stops the transfer past it (CURLE_WRITE_ERROR: the
// rest is not read); another status's body is dropped, and not read far.
size_t CollectBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  const size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(sink->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    sink->body->resize(std::min(kMaxOtherBody, sink->body->size() + n));
    return sink->body->size() < kMaxOtherBody ? n : 0;
  }
  if (n > sink->limit - std::min(sink->limit, sink->body->size())) {
    sink->too_large = true;
    return 0;
  }
  sink->body->append(data, n);
  return n;
}

std::string PinnedHost(const std::string& host) {
  return host.find(':') != std::string::npos ? absl::StrCat("[", host, "]") : host;
}

bool IsRedirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One answer to one GET.
struct Answer {
  CURLcode rc = CURLE_OK;
  long status = 0;
  std::string body;
  bool too_large = false;
  std::string content_type;
  std::string location;
  std::string error;
};

}  // namespace

std::string RedactedUrl(absl::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  const size_t scheme = url.find("://");
  if (scheme == absl::string_view::npos) return std::string(url);
  const size_t authority = scheme + 3;
  const size_t path = std::min(url.find('/', authority), url.size());
  const size_t at = url.substr(authority, path - authority).rfind('@');
  if (at == absl::string_view::npos) return std::string(url);
  return absl::StrCat(url.substr(0, authority), url.substr(authority + at + 1));
}

std::string FilenameFromUrl(absl::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  const size_t scheme = url.find("://");
  const size_t start = scheme == absl::string_view::npos ? 0 : scheme + 3;
  const size_t path = url.find('/', start);
  if (path == absl::string_view::npos) return "";
  const absl::string_view segment = url.substr(url.rfind('/') + 1);
  std::string out;
  for (size_t i = 0; i < segment.size(); ++i) {
    char c = segment[i];
    if (c == '%' && i + 2 < segment.size() && HexValue(segment[i + 1]) >= 0 &&
        HexValue(segment[i + 2]) >= 0) {
      c = static_cast<char>(HexValue(segment[i + 1]) * 16 + HexValue(segment[i + 2]));
      i += 2;
    }
    const unsigned char u = c;
    if (u < 0x20 || u == 0x7F) continue;
    out.push_back(c == '/' || c == '\\' ? '_' : c);
  }
  return out;
}

CurlAttachmentFetcher::CurlAttachmentFetcher(AttachmentFetcherOptions options)
    : options_(std::move(options)) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

CurlAttachmentFetcher::~CurlAttachmentFetcher() { curl_global_cleanup(); }

absl::StatusOr<Attachment> CurlAttachmentFetcher::Fetch(const std::string& url,
                                                        const AttachmentRequest& request) {
  const std::string prefix = absl::StrCat("attachment ", RedactedUrl(url), ": ");
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return absl::ResourceExhaustedError(prefix + "libcurl: cannot create a handle");
  const absl::Time deadline = absl::Now() + options_.timeout;
  std::string current = url;
  for (int redirects = 0;; ++redirects) {
    absl::StatusOr<CheckedUrl> checked = CheckWebhookUrl(current, options_.guard, options_.resolve);
    if (!checked.ok()) {
      const std::string where =
          redirects == 0 ? "" : absl::StrCat("redirected to ", RedactedUrl(current), ": ");
      if (absl::IsUnavailable(checked.status())) {
        return absl::UnavailableError(absl::StrCat(prefix, where, checked.status().message()));
      }
      return absl::FailedPreconditionError(absl::StrCat(prefix, where, checked.status().message()));
    }
    Slist resolve;
    if (!checked->url.host_is_address) {
      std::vector<std::string> pinned;
      for (const std::string& a : checked->addresses) pinned.push_back(PinnedHost(a));
      resolve.reset(curl_slist_append(
          nullptr,
          absl::StrCat(checked->url.host, ":", checked->url.port, ":", absl::StrJoin(pinned, ","))
              .c_str()));
    }
    const long remaining_ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (remaining_ms <= 0) {
      return absl::UnavailableError(
          absl::StrCat(prefix, "timed out after ", absl::FormatDuration(options_.timeout)));
    }
    const long connect_ms = std::min(
        remaining_ms, std::max<long>(1, absl::ToInt64Milliseconds(options_.connect_timeout)));

    Answer answer;
    BodySink sink{curl.get(), &answer.body, options_.max_bytes};
    char error[CURL_ERROR_SIZE] = {0};
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, current.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(c, CURLOPT_RESOLVE, resolve.get());
    curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, CollectBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, remaining_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_bytes));
    curl_easy_setopt(c, CURLOPT_PROXY, options_.proxy.c_str());  // "": none, not the env's
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(c, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
    if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());

    answer.rc = curl_easy_perform(c);
    answer.too_large = sink.too_large;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &answer.status);
    char* text = nullptr;
    if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &text) == CURLE_OK && text != nullptr) {
      answer.content_type = text;
    }
    text = nullptr;
    if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &text) == CURLE_OK && text != nullptr) {
      answer.location = text;
    }
    answer.error = error[0] != '\0' ? error : curl_easy_strerror(answer.rc);
    // The options point at this hop's list and buffers: none may outlive it.
    curl_easy_setopt(c, CURLOPT_RESOLVE, nullptr);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, nullptr);

    const bool answered = answer.status != 0;
    if (answered && IsRedirect(answer.status) && !answer.location.empty()) {
      if (redirects >= options_.max_redirects) {
        return absl::FailedPreconditionError(
            absl::StrCat(prefix, "more than ", options_.max_redirects, " redirects"));
      }
      current = answer.location;
      continue;
    }
    if (answered && answer.status != 200) {
      const std::string why = absl::StrCat(prefix, "the server answered ", answer.status);
      if (answer.status >= 500 || answer.status == 408 || answer.status == 429) {
        return absl::UnavailableError(why);
      }
      return absl::FailedPreconditionError(why);
    }
    if (answer.too_large || answer.rc == CURLE_FILESIZE_EXCEEDED) {
      return absl::FailedPreconditionError(
          absl::StrCat(prefix, "larger than the limit of ", options_.max_bytes, " bytes"));
    }
    if (answer.rc == CURLE_OPERATION_TIMEDOUT) {
      return absl::UnavailableError(absl::StrCat(prefix, "timed out (", answer.error, ")"));
    }
    if (answer.rc != CURLE_OK) return absl::UnavailableError(prefix + answer.error);
    Attachment out;
    out.content = std::move(answer.body);
    out.content_type = request.content_type.empty() ? mail::NormalizeMediaType(answer.content_type)
                                                    : request.content_type;
    if (out.content_type.empty()) out.content_type = "application/octet-stream";
    out.filename = request.filename.empty() ? FilenameFromUrl(url) : request.filename;
    if (out.filename.empty()) out.filename = "attachment";
    return out;
  }
}

}  // namespace mc::execution
