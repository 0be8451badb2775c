#include "execution-service/webhooks/curl_webhook_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "execution-service/webhooks/url_guard.h"

namespace mc::execution {
namespace {

static_assert(CURL_LOCK_DATA_LAST <= 8, "one mutex per curl_lock_data");

void LockShare(CURL*, curl_lock_data data, curl_lock_access, void* mutexes) {
  static_cast<std::mutex*>(mutexes)[data].lock();
}
void UnlockShare(CURL*, curl_lock_data data, void* mutexes) {
  static_cast<std::mutex*>(mutexes)[data].unlock();
}

struct BodySink {
  std::string* body;
  size_t limit;
  bool truncated = false;
};

size_t CollectBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  const size_t n = size * count;
  const size_t room = sink->limit - std::min(sink->limit, sink->body->size());
  sink->body->append(data, std::min(n, room));
  if (n > room) {
    sink->truncated = true;
    return 0;  // stops the transfer (CURLE_WRITE_ERROR): the rest is not read
  }
  return n;
}

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

void Append(Slist& list, const std::string& line) {
  curl_slist* next = curl_slist_append(list.get(), line.c_str());
  if (next != nullptr) {
    (void)list.release();
    list.reset(next);
  }
}

HttpErrorClass ClassOf(CURLcode rc) {
  switch (rc) {
    case CURLE_OK:
      return HttpErrorClass::kNone;
    case CURLE_OPERATION_TIMEDOUT:
      return HttpErrorClass::kTimeout;
    case CURLE_COULDNT_CONNECT:
      return HttpErrorClass::kConnectRefused;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return HttpErrorClass::kDns;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
      return HttpErrorClass::kTls;
    default:
      return HttpErrorClass::kOther;
  }
}

std::string PinnedHost(const std::string& host) {
  return host.find(':') != std::string::npos ? absl::StrCat("[", host, "]") : host;
}

}  // namespace

CurlWebhookTransport::CurlWebhookTransport(CurlTransportOptions options)
    : options_(std::move(options)) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  share_ = curl_share_init();
  if (share_ != nullptr) {
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, LockShare);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, UnlockShare);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, static_cast<void*>(share_mu_));
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
}

CurlWebhookTransport::~CurlWebhookTransport() {
  for (auto& [key, endpoint] : endpoints_) {
    for (const IdleHandle& h : endpoint->idle) curl_easy_cleanup(h.curl);
  }
  endpoints_.clear();
  if (share_ != nullptr) curl_share_cleanup(share_);
  curl_global_cleanup();
}

int CurlWebhookTransport::handles() const {
  std::lock_guard<std::mutex> lock(mu_);
  return handles_;
}

CURL* CurlWebhookTransport::Acquire(const std::string& key) {
  std::unique_lock<std::mutex> lock(mu_);
  std::unique_ptr<Endpoint>& slot = endpoints_[key];
  if (!slot) slot = std::make_unique<Endpoint>();
  Endpoint& e = *slot;
  ++e.waiting;
  e.cv.wait(lock, [&] { return e.active < std::max(1, options_.max_per_endpoint); });
  --e.waiting;
  ++e.active;
  if (!e.idle.empty()) {
    CURL* curl = e.idle.back().curl;
    e.idle.pop_back();
    return curl;
  }
  ++handles_;
  lock.unlock();
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    Release(key, nullptr);
  }
  return curl;
}

void CurlWebhookTransport::Release(const std::string& key, CURL* curl) {
  std::vector<CURL*> closing;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const absl::Time now = absl::Now();
    Endpoint& e = *endpoints_[key];
    --e.active;
    if (curl != nullptr) {
      e.idle.push_back({curl, now});
    } else {
      --handles_;
    }
    e.cv.notify_one();
    // Now and then, close what stayed idle too long, and forget endpoints no longer used.
    if (now - last_sweep_ >= options_.idle_timeout / 4) {
      last_sweep_ = now;
      for (auto it = endpoints_.begin(); it != endpoints_.end();) {
        Endpoint& x = *it->second;
        auto keep = std::partition(x.idle.begin(), x.idle.end(), [&](const IdleHandle& h) {
          return now - h.since < options_.idle_timeout;
        });
        for (auto h = keep; h != x.idle.end(); ++h) closing.push_back(h->curl);
        handles_ -= static_cast<int>(x.idle.end() - keep);
        x.idle.erase(keep, x.idle.end());
        if (x.active == 0 && x.waiting == 0 && x.idle.empty()) {
          it = endpoints_.erase(it);
        } else {
          ++it;
        }
      }
    }
  }
  for (CURL* c : closing) curl_easy_cleanup(c);
}

HttpResult CurlWebhookTransport::Post(const HttpRequest& request) {
  HttpResult result;
  absl::StatusOr<ParsedWebhookUrl> url = ParseWebhookUrl(request.url, {.allow_http = true});
  if (!url.ok()) {
    result.error = HttpErrorClass::kOther;
    result.message = std::string(url.status().message());
    return result;
  }
  const std::string key = absl::StrCat(url->scheme, "://", PinnedHost(url->host), ":", url->port);
  CURL* curl = Acquire(key);
  if (curl == nullptr) {
    result.error = HttpErrorClass::kOther;
    result.message = "libcurl: cannot create a handle";
    return result;
  }
  result = Perform(curl, request, url->host, url->port, url->host_is_address);
  Release(key, curl);
  return result;
}

HttpResult CurlWebhookTransport::Perform(CURL* curl, const HttpRequest& request,
                                         const std::string& host, int port, bool host_is_address) {
  HttpResult result;
  Slist headers;
  for (const auto& [name, value] : request.headers)
    Append(headers, absl::StrCat(name, ": ", value));
  Append(headers, "Expect:");  // no 100-continue round trip before the body
  // Pinned addresses replace whatever the handle's DNS cache held for host:port; without pins,
  // the entry is dropped so that an earlier pin cannot outlive its check.
  Slist resolve;
  if (!host_is_address) {
    const std::string host_port = absl::StrCat(host, ":", port);
    if (request.pinned_addresses.empty()) {
      Append(resolve, absl::StrCat("-", host_port));
    } else {
      std::vector<std::string> addresses;
      for (const std::string& a : request.pinned_addresses) addresses.push_back(PinnedHost(a));
      Append(resolve, absl::StrCat(host_port, ":", absl::StrJoin(addresses, ",")));
    }
  }
  std::string body;
  BodySink sink{&body, options_.max_response_bytes};
  char error[CURL_ERROR_SIZE] = {0};
  const long total_ms = std::max<long>(1, absl::ToInt64Milliseconds(request.timeout));
  const long connect_ms =
      std::min(total_ms, std::max<long>(1, absl::ToInt64Milliseconds(options_.connect_timeout)));
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_RESOLVE, resolve.get());
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, total_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_PROXY, options_.proxy.c_str());  // "": none, not the env's
  curl_easy_setopt(curl, CURLOPT_SHARE, share_);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());

  const auto start = std::chrono::steady_clock::now();
  const CURLcode rc = curl_easy_perform(curl);
  result.latency = absl::FromChrono(std::chrono::steady_clock::now() - start);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  // The options point at this call's lists and buffers: none may outlive it.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_RESOLVE, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, nullptr);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, nullptr);
  result.status = static_cast<int>(status);
  result.body_snippet = std::move(body);
  if (rc == CURLE_WRITE_ERROR && sink.truncated) return result;  // a long answer, cut
  result.error = ClassOf(rc);
  if (result.error != HttpErrorClass::kNone) {
    result.message = error[0] != '\0' ? error : curl_easy_strerror(rc);
  }
  return result;
}

}  // namespace mc::execution
