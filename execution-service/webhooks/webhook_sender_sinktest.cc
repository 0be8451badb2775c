// CurlWebhookTransport and WebhookSender against a real HTTP server on loopback
// (common/sinks/webhook_sink.h): connections reused, every answer class as the network really
// produces it (a refused port, a receiver that does not answer in time, an oversized answer),
// the per-endpoint limit, pinned addresses, and signatures checked with this test's own
// HMAC-SHA256 (OpenSSL directly, not the signer).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/sinks/webhook_sink.h"
#include "execution-service/webhooks/curl_webhook_transport.h"
#include "execution-service/webhooks/webhook_sender.h"

namespace mc::execution {
namespace {

using sinks::WebhookSink;

const std::string kKey = "0123456789abcdef0123456789abcdef";  // 32 bytes
const std::string kOldKey = "an older key of twenty-four+ bytes";

// A gate the responder waits at until the test opens it (so "the receiver has not answered"
// does not depend on how fast anything runs).
class Gate {
 public:
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    ++waiting_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
    --waiting_;
  }
  bool WaitForWaiting(int n, absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] { return waiting_ >= n; });
  }
  int waiting() {
    std::lock_guard<std::mutex> lock(mu_);
    return waiting_;
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int waiting_ = 0;
  bool open_ = false;
};

// The test's own Standard Webhooks verification: some v1 signature in the header is the
// base64 HMAC-SHA256 under `key` of "<id>.<timestamp>.<body>".
bool Verifies(const WebhookSink::Request& r, const std::string& key) {
  const std::string content =
      absl::StrCat(r.Header("webhook-id"), ".", r.Header("webhook-timestamp"), ".", r.body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &len);
  const std::string expected =
      "v1," + absl::Base64Escape(absl::string_view(reinterpret_cast<char*>(mac), len));
  for (absl::string_view sig : absl::StrSplit(r.Header("webhook-signature"), ' ')) {
    if (sig == expected) return true;
  }
  return false;
}

WebhookChange Change(int64_t event, int n = 1) {
  WebhookChange c;
  c.outbox_id = event * 10 + n;
  c.webhook_id = absl::StrCat("wh_mc_exec_1_", event, "_", c.outbox_id);
  c.event_id = event;
  c.status = EventStatus::kSent;
  c.event_type = "ORDER_SHIPPED";
  c.changed_at = absl::Now();
  return c;
}

WebhookEndpoint Endpoint(const std::string& url, int max_batch = 1) {
  return {"orders", url, max_batch, {{kKey, std::nullopt}}};
}

WebhookSenderOptions Options(absl::Duration timeout = absl::Seconds(10)) {
  WebhookSenderOptions o;
  o.timeout = timeout;
  o.url_guard = {.allow_http = true, .allow_private_networks = true};
  return o;
}

std::unique_ptr<WebhookSink> StartSink() {
  auto sink = WebhookSink::Start();
  REQUIRE(sink.ok());
  return *std::move(sink);
}

TEST_CASE("50 POSTs in a row share one connection; each is signed, timestamped, labelled") {
  std::unique_ptr<WebhookSink> sink = StartSink();
  CurlWebhookTransport transport;
  WebhookSender sender(transport, Options());
  WebhookEndpoint endpoint = Endpoint(sink->url("/hook"));
  endpoint.secrets = {{kOldKey, absl::Now() + absl::Hours(1)}, {kKey, std::nullopt}};
  std::vector<WebhookChange> changes;
  for (int e = 1; e <= 50; ++e) changes.push_back(Change(e));
  const std::vector<WebhookOutcome> out = sender.Send(endpoint, changes);
  REQUIRE(out.size() == 50);
  for (const WebhookOutcome& o : out) {
    CHECK(o.kind == WebhookOutcomeKind::kDelivered);
    CHECK(o.http_status == 200);
    CHECK(o.error_class == "2xx");
  }
  REQUIRE(sink->WaitForCount(50, absl::Seconds(10)));
  CHECK(sink->connections() == 1);
  CHECK(transport.handles() == 1);
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  const std::vector<WebhookSink::Request> seen = sink->Requests();
  for (size_t i = 0; i < seen.size(); ++i) {
    const WebhookSink::Request& r = seen[i];
    INFO(i);
    CHECK(r.method == "POST");
    CHECK(r.path == "/hook");
    CHECK(r.Header("webhook-id") == changes[i].webhook_id);
    CHECK(r.Header("content-type") == "application/json");
    CHECK(r.Header("user-agent").rfind("MessageCenter-Webhooks/", 0) == 0);
    CHECK(r.Header("expect").empty());
    int64_t ts = 0;
    CHECK(absl::SimpleAtoi(r.Header("webhook-timestamp"), &ts));
    CHECK(std::abs(ts - now) < 300);
    // Both secrets of the rotation sign; a receiver knowing either one verifies.
    const std::string signatures = r.Header("webhook-signature");
    CHECK(std::count(signatures.begin(), signatures.end(), ' ') == 1);
    CHECK(Verifies(r, kKey));
    CHECK(Verifies(r, kOldKey));
    CHECK(!Verifies(r, std::string(32, 'x')));
    CHECK(r.body.find(absl::StrCat("\"eventId\":\"", i + 1, "\"")) != std::string::npos);
  }
}

TEST_CASE("concurrent Sends to one endpoint stay within max_per_endpoint connections") {
  std::unique_ptr<WebhookSink> sink = StartSink();
  CurlWebhookTransport transport({.max_per_endpoint = 3});
  WebhookSender sender(transport, Options());
  std::atomic<int> delivered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      std::vector<WebhookChange> changes;
      for (int i = 0; i < 25; ++i) changes.push_back(Change(t * 100 + i));
      for (const WebhookOutcome& o : sender.Send(Endpoint(sink->url()), changes)) {
        if (o.kind == WebhookOutcomeKind::kDelivered) ++delivered;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(delivered == 150);
  CHECK(sink->request_count() == 150);
  CHECK(sink->connections() <= 3);
  CHECK(transport.handles() <= 3);
}

TEST_CASE("no more than max_per_endpoint POSTs to an endpoint are in flight; the others wait") {
  std::unique_ptr<WebhookSink> sink = StartSink();
  Gate gate;
  std::atomic<int> in_flight{0}, most{0};
  sink->SetResponder([&](const WebhookSink::Request&) {
    const int now = ++in_flight;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    gate.Wait();
    --in_flight;
    return 200;
  });
  CurlWebhookTransport transport({.max_per_endpoint = 2});
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      HttpRequest request;
      request.url = sink->url();
      request.body = "{}";
      request.timeout = absl::Seconds(30);
      if (transport.Post(request).status == 200) ++ok;
    });
  }
  REQUIRE(gate.WaitForWaiting(2, absl::Seconds(10)));
  // A third POST would have to arrive now; give it ample time to (this can only miss a fault,
  // never invent one).
  absl::SleepFor(absl::Milliseconds(300));
  CHECK(gate.waiting() == 2);
  gate.Open();
  for (auto& t : threads) t.join();
  CHECK(ok == 6);
  CHECK(most == 2);
  CHECK(sink->connections() <= 2);
}

TEST_CASE("a 500 is retried and the next try is delivered, with the same webhook-id") {
  std::unique_ptr<WebhookSink> sink = StartSink();
  std::atomic<int> calls{0};
  sink->SetResponder([&](const WebhookSink::Request&) { return ++calls == 1 ? 500 : 200; });
  sink->SetReplyBody("try later");
  CurlWebhookTransport transport;
  WebhookSender sender(transport, Options());
  WebhookChange change = Change(1);
  std::vector<WebhookOutcome> out = sender.Send(Endpoint(sink->url()), {change});
  CHECK(out[0].kind == WebhookOutcomeKind::kRetry);
  CHECK(out[0].error_class == "5xx");
  CHECK(out[0].http_status == 500);
  CHECK(out[0].message == "HTTP 500: try later");
  CHECK(out[0].next_delay <= absl::Seconds(5));
  change.sends = 1;
  change.first_failed_at = absl::Now();
  out = sender.Send(Endpoint(sink->url()), {change});
  CHECK(out[0].kind == WebhookOutcomeKind::kDelivered);
  const std::vector<WebhookSink::Request> seen = sink->Requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].Header("webhook-id") == seen[1].Header("webhook-id"));
  CHECK(seen[0].connection == seen[1].connection);  // a 500 does not cost the connection
}

TEST_CASE("a 410 gives the webhook up") {
  std::unique_ptr<WebhookSink> sink = StartSink();
  sink->SetResponder([](const WebhookSink::Request&) { return 410; });
  CurlWebhookTransport transport;
  WebhookSender sender(transport, Options());
  const std::vector<WebhookOutcome> out = sender.Send(Endpoint(sink->url()), {Change(1)});
  CHECK(out[0].kind == WebhookOutcomeKind::kGiveUp);
  CHECK(out[0].error_class == "4xx");
  CHECK(out[0].http_status == 410);
  CHECK(out[0].message == "HTTP 410");
}

TEST_CASE("a closed port is a refused connection, retried") {
  // A port that was just free and is closed again.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const int port = ntohs(addr.sin_port);
  close(fd);
  CurlWebhookTransport transport;
  WebhookSender sender(transport, Options());
  const std::vector<WebhookOutcome> out =
      sender.Send(Endpoint(absl::StrCat("http://127.0.0.1:", port, "/hook")), {Change(1)});
  CHECK(out[0].kind == WebhookOutcomeKind::kRetry);
  CHECK(out[0].error_class == "refused");
  CHECK(out[0].http_status == 0);
  CHECK(!out[0].message.empty());
  CHECK(out[0].attempted);
}

TEST_CASE("a receiver that does not answer within the timeout is a timeout, retried") {
  std::unique_ptr<WebhookSink> sink = StartSink();
  Gate gate;
  sink->SetResponder([&](const WebhookSink::Request&) {
    gate.Wait();  // until the sender has given up waiting
    return 200;
  });
  CurlWebhookTransport transport;
  WebhookSender sender(transport, Options(absl::Milliseconds(300)));
  const std::vector<WebhookOutcome> out = sender.Send(Endpoint(sink->url()), {Change(1)});
  gate.Open();
  CHECK(out[0].kind == WebhookOutcomeKind::kRetry);
  CHECK(out[0].error_class == "timeout");
  CHECK(out[0].http_status == 0);
  CHECK(out[0].latency > absl::ZeroDuration());
}

TEST_CASE("an oversized answer is read up to 4 KiB, and still delivered") {
  std::unique_ptr<WebhookSink> sink = StartSink();
  sink->SetReplyBody(std::string(8 << 20, 'x'));
  CurlWebhookTransport transport;
  HttpRequest request;
  request.url = sink->url();
  request.body = "{}";
  const HttpResult r = transport.Post(request);
  CHECK(r.status == 200);
  CHECK(r.error == HttpErrorClass::kNone);
  CHECK(r.message.empty());
  CHECK(r.body_snippet == std::string(4096, 'x'));

  WebhookSender sender(transport, Options());
  const std::vector<WebhookOutcome> out = sender.Send(Endpoint(sink->url()), {Change(1)});
  CHECK(out[0].kind == WebhookOutcomeKind::kDelivered);
  CHECK(out[0].http_status == 200);
}

TEST_CASE("pinned addresses are where the POST goes: no resolution of the host") {
  std::unique_ptr<WebhookSink> sink = StartSink();
  CurlWebhookTransport transport;
  const std::string url = absl::StrCat("http://receiver.invalid:", sink->port(), "/pinned");
  HttpRequest request;
  request.url = url;
  request.body = "{}";
  request.pinned_addresses = {"127.0.0.1"};
  request.headers = {{"connection", "close"}};  // so the next POST needs a new connection
  CHECK(transport.Post(request).status == 200);
  CHECK(transport.handles() == 1);
  // Without the pin the name does not resolve: the earlier pin does not linger in the
  // handle's DNS cache.
  request.pinned_addresses.clear();
  request.headers.clear();
  const HttpResult unpinned = transport.Post(request);
  CHECK(unpinned.status == 0);
  CHECK(unpinned.error == HttpErrorClass::kDns);

  // The sender pins what its check resolved.
  WebhookSenderOptions options = Options();
  options.resolve = [](const std::string& host) -> absl::StatusOr<std::vector<IpAddress>> {
    if (host != "receiver.invalid") return absl::UnavailableError("unexpected host " + host);
    return std::vector<IpAddress>{*ParseIpAddress("127.0.0.1")};
  };
  WebhookSender sender(transport, options);
  CHECK(sender.Send(Endpoint(url), {Change(1)})[0].kind == WebhookOutcomeKind::kDelivered);
  REQUIRE(sink->WaitForCount(2, absl::Seconds(10)));
  CHECK(sink->Requests()[1].path == "/pinned");
  CHECK(sink->Requests()[1].Header("host") == absl::StrCat("receiver.invalid:", sink->port()));
}

TEST_CASE("a batch endpoint gets WebhookBatch bodies under a batch_ id") {
  std::unique_ptr<WebhookSink> sink = StartSink();
  CurlWebhookTransport transport;
  WebhookSender sender(transport, Options());
  std::vector<WebhookChange> changes;
  for (int e = 1; e <= 5; ++e) changes.push_back(Change(e));
  const std::vector<WebhookOutcome> out = sender.Send(Endpoint(sink->url(), 2), changes);
  for (const WebhookOutcome& o : out) CHECK(o.kind == WebhookOutcomeKind::kDelivered);
  REQUIRE(sink->WaitForCount(3, absl::Seconds(10)));
  const std::vector<WebhookSink::Request> seen = sink->Requests();
  CHECK(seen[0].Header("webhook-id") == "batch_wh_mc_exec_1_1_11");
  CHECK(seen[1].Header("webhook-id") == "batch_wh_mc_exec_1_3_31");
  CHECK(seen[2].Header("webhook-id") == "batch_wh_mc_exec_1_5_51");
  for (const auto& r : seen) {
    CHECK(r.body.rfind("{\"webhooks\":[", 0) == 0);
    CHECK(Verifies(r, kKey));
  }
}

}  // namespace
}  // namespace mc::execution
