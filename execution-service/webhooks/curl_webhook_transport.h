// CurlWebhookTransport: WebhookTransport over libcurl.
//  - Connections are kept open and reused: each endpoint (scheme, host, port) has its own
//    small pool of easy handles, each keeping its connection; a POST takes an idle handle of
//    its endpoint (a new one when none is idle) and gives it back. A handle idle longer than
//    `idle_timeout` is closed. TLS sessions are shared between handles (a new connection to
//    the same host resumes its session).
//  - At most `max_per_endpoint` POSTs to one endpoint at a time: the calls above it wait.
//  - No redirect is followed (a 3xx is the answer); http and https only; no proxy unless
//    `proxy` names one (environment proxies are ignored: with a proxy, pinning the addresses
//    is the proxy's job); no `Expect: 100-continue`; no compressed answers.
//  - HttpRequest::pinned_addresses are given to libcurl as CURLOPT_RESOLVE entries for the
//    URL's host and port, replacing what it had for them.
//  - `connect_timeout` bounds the connection, the request's `timeout` the whole POST.
//  - The answer's body is read up to `max_response_bytes` (4 KiB): past that, the transfer is
//    stopped and its connection closed; the answer still counts (status, the snippet).
// Failure modes: none as a status; every outcome is an HttpResult (error classes:
// webhook_transport.h). Thread-safe. Needs libcurl's global init (curl_global_init before any
// thread, as main.cc does); the constructor calls it too, reference-counted.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "execution-service/webhooks/webhook_transport.h"

typedef void CURL;
typedef void CURLSH;

namespace mc::execution {

struct CurlTransportOptions {
  int max_per_endpoint = 4;
  absl::Duration connect_timeout = absl::Seconds(5);
  size_t max_response_bytes = 4096;
  absl::Duration idle_timeout = absl::Seconds(60);
  std::string user_agent = DefaultWebhookUserAgent();  // a request's own header wins
  std::string proxy;                                   // empty: connect directly
  std::string ca_file;                                 // empty: the system's CA certificates
};

class CurlWebhookTransport final : public WebhookTransport {
 public:
  explicit CurlWebhookTransport(CurlTransportOptions options = {});
  ~CurlWebhookTransport() override;
  CurlWebhookTransport(const CurlWebhookTransport&) = delete;
  CurlWebhookTransport& operator=(const CurlWebhookTransport&) = delete;

  HttpResult Post(const HttpRequest& request) override;

  // Easy handles (each with at most one open connection) currently held, idle or in use.
  int handles() const;

 private:
  struct IdleHandle {
    CURL* curl;
    absl::Time since;
  };
  struct Endpoint {
    int active = 0;
    int waiting = 0;
    std::vector<IdleHandle> idle;  // most recently used last
    std::condition_variable cv;
  };

  CURL* Acquire(const std::string& key);
  void Release(const std::string& key, CURL* curl);
  HttpResult Perform(CURL* curl, const HttpRequest& request, const std::string& host, int port,
                     bool host_is_address);

  const CurlTransportOptions options_;
  CURLSH* share_ = nullptr;
  std::mutex share_mu_[8];  // one per curl_lock_data (CURL_LOCK_DATA_LAST of them)
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Endpoint>> endpoints_;
  int handles_ = 0;
  absl::Time last_sweep_ = absl::InfinitePast();
};

}  // namespace mc::execution
