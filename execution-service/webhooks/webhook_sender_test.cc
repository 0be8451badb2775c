// WebhookSender with a scripted transport: what each POST carries (headers, signature, body,
// pinned addresses), how changes are grouped, what each answer becomes, and the promise that
// an event's changes are never sent past one that is not delivered.
#include "execution-service/webhooks/webhook_sender.h"

#include <catch2/catch.hpp>
#include <deque>
#include <string>

#include "absl/strings/str_cat.h"
#include "execution-service/webhooks/webhook_payload.h"
#include "execution-service/webhooks/webhook_signer.h"

namespace mc::execution {
namespace {

class FakeTransport final : public WebhookTransport {
 public:
  // Answers in order; 200 once they run out.
  std::deque<HttpResult> answers;
  std::vector<HttpRequest> requests;

  HttpResult Post(const HttpRequest& request) override {
    requests.push_back(request);
    if (answers.empty()) return Answer(200);
    HttpResult r = answers.front();
    answers.pop_front();
    return r;
  }

  static HttpResult Answer(int status, std::string body = "") {
    HttpResult r;
    r.status = status;
    r.body_snippet = std::move(body);
    r.latency = absl::Milliseconds(12);
    return r;
  }
  static HttpResult Failure(HttpErrorClass error, std::string message) {
    HttpResult r;
    r.error = error;
    r.message = std::move(message);
    r.latency = absl::Milliseconds(30);
    return r;
  }

  std::vector<std::string> Ids() const {
    std::vector<std::string> ids;
    for (const HttpRequest& r : requests) ids.push_back(Header(r, "webhook-id"));
    return ids;
  }
  static std::string Header(const HttpRequest& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return "<none>";
  }
};

const absl::Time kNow = absl::FromUnixSeconds(1714557600);
const std::string kKey(32, 'k');

struct Fixture {
  FakeTransport transport;
  int resolutions = 0;
  std::vector<std::string> addresses = {"93.184.216.34", "2606:2800:220:1::1"};
  absl::Status dns_failure;
  WebhookSender sender{transport, Options()};

  WebhookSenderOptions Options() {
    WebhookSenderOptions o;
    o.timeout = absl::Seconds(3);
    o.max_retry_age = absl::Hours(24);
    o.backoff_base = absl::Seconds(10);
    o.backoff_cap = absl::Hours(1);
    o.clock = [] { return kNow; };
    o.random = [] { return 0.5; };
    o.user_agent = "MessageCenter-Webhooks/test";
    o.resolve = [this](const std::string& host) -> absl::StatusOr<std::vector<IpAddress>> {
      ++resolutions;
      if (!dns_failure.ok()) return dns_failure;
      std::vector<IpAddress> out;
      for (const std::string& a : addresses) out.push_back(*ParseIpAddress(a));
      return out;
    };
    return o;
  }
};

WebhookEndpoint Endpoint(int max_batch = 1) {
  return {"orders", "https://hooks.example.com/mc?token=abc", max_batch, {{kKey, std::nullopt}}};
}

// Event `event`'s change number `n` (outbox id event * 10 + n).
WebhookChange Change(int64_t event, int n, Queue queue = Queue::kRealTime) {
  WebhookChange c;
  c.outbox_id = event * 10 + n;
  c.webhook_id = absl::StrCat("wh_mc_exec_1_", event, "_", c.outbox_id);
  c.queue = queue;
  c.event_id = event;
  c.status = n == 1 ? EventStatus::kPendingDelivery : EventStatus::kSent;
  c.event_type = "ORDER_SHIPPED";
  c.changed_at = kNow - absl::Minutes(1);
  return c;
}

TEST_CASE("one change: one signed POST of its payload to the checked addresses") {
  Fixture f;
  const WebhookChange change = Change(42, 1);
  const std::vector<WebhookOutcome> out = f.sender.Send(Endpoint(), {change});
  REQUIRE(out.size() == 1);
  CHECK(out[0].outbox_id == 421);
  CHECK(out[0].kind == WebhookOutcomeKind::kDelivered);
  CHECK(out[0].error_class == "2xx");
  CHECK(out[0].message.empty());
  CHECK(out[0].http_status == 200);
  CHECK(out[0].latency == absl::Milliseconds(12));
  CHECK(out[0].attempted);

  REQUIRE(f.transport.requests.size() == 1);
  const HttpRequest& r = f.transport.requests[0];
  CHECK(r.url == "https://hooks.example.com/mc?token=abc");
  CHECK(r.timeout == absl::Seconds(3));
  CHECK(r.pinned_addresses == f.addresses);
  CHECK(r.body == *WebhookPayloadJson(change));
  CHECK(FakeTransport::Header(r, "webhook-id") == "wh_mc_exec_1_42_421");
  CHECK(FakeTransport::Header(r, "webhook-timestamp") == "1714557600");
  CHECK(FakeTransport::Header(r, "webhook-signature") ==
        WebhookSignature(kKey, "wh_mc_exec_1_42_421", 1714557600, r.body));
  CHECK(FakeTransport::Header(r, "content-type") == "application/json");
  CHECK(FakeTransport::Header(r, "user-agent") == "MessageCenter-Webhooks/test");
  CHECK(f.resolutions == 1);
}

TEST_CASE("max_batch groups changes in order; a batch's id is batch_ and its first item's") {
  Fixture f;
  std::vector<WebhookChange> changes;
  for (int e = 1; e <= 7; ++e) changes.push_back(Change(e, 1));
  const std::vector<WebhookOutcome> out = f.sender.Send(Endpoint(3), changes);
  REQUIRE(out.size() == 7);
  for (size_t i = 0; i < out.size(); ++i) {
    CHECK(out[i].outbox_id == changes[i].outbox_id);
    CHECK(out[i].kind == WebhookOutcomeKind::kDelivered);
  }
  CHECK(f.transport.Ids() == std::vector<std::string>{"batch_wh_mc_exec_1_1_11",
                                                      "batch_wh_mc_exec_1_4_41",
                                                      "batch_wh_mc_exec_1_7_71"});
  CHECK(f.transport.requests[0].body == *WebhookBatchJson({&changes[0], &changes[1], &changes[2]}));
  CHECK(f.transport.requests[2].body == *WebhookBatchJson({&changes[6]}));  // a batch of one
  const HttpRequest& r = f.transport.requests[1];
  CHECK(FakeTransport::Header(r, "webhook-signature") ==
        WebhookSignature(kKey, "batch_wh_mc_exec_1_4_41", 1714557600, r.body));
  CHECK(f.resolutions == 1);  // once per Send
}

TEST_CASE("an event's later changes wait behind one that failed; other events go on") {
  Fixture f;
  // A1 fails (503); B1 and B2 are delivered; A2 and A3 are not sent; C1 is delivered.
  f.transport.answers = {FakeTransport::Answer(503, "busy"), FakeTransport::Answer(200),
                         FakeTransport::Answer(200), FakeTransport::Answer(200)};
  const std::vector<WebhookChange> changes = {Change(1, 1), Change(2, 1), Change(1, 2),
                                              Change(2, 2), Change(1, 3), Change(3, 1)};
  const std::vector<WebhookOutcome> out = f.sender.Send(Endpoint(), changes);
  CHECK(f.transport.Ids() == std::vector<std::string>{"wh_mc_exec_1_1_11", "wh_mc_exec_1_2_21",
                                                      "wh_mc_exec_1_2_22", "wh_mc_exec_1_3_31"});
  REQUIRE(out.size() == 6);
  CHECK(out[0].kind == WebhookOutcomeKind::kRetry);
  CHECK(out[0].error_class == "5xx");
  CHECK(out[0].message == "HTTP 503: busy");
  CHECK(out[0].http_status == 503);
  CHECK(out[0].attempted);
  CHECK(out[0].next_delay == absl::Seconds(5));  // base 10 s, no earlier failure, random 0.5
  for (size_t i : {2, 4}) {
    INFO(i);
    CHECK(out[i].kind == WebhookOutcomeKind::kRetry);
    CHECK(out[i].next_delay == out[0].next_delay);
    CHECK(out[i].error_class == "blocked");
    CHECK(out[i].message == "an earlier change of this event is not delivered yet");
    CHECK(!out[i].attempted);
    CHECK(out[i].http_status == 0);
  }
  for (size_t i : {1, 3, 5}) CHECK(out[i].kind == WebhookOutcomeKind::kDelivered);
}

TEST_CASE("the same event id in the other queue is another event") {
  Fixture f;
  f.transport.answers = {FakeTransport::Answer(500)};
  const std::vector<WebhookOutcome> out =
      f.sender.Send(Endpoint(), {Change(1, 1), Change(1, 2, Queue::kBatch)});
  CHECK(out[0].kind == WebhookOutcomeKind::kRetry);
  CHECK(out[1].kind == WebhookOutcomeKind::kDelivered);
  CHECK(f.transport.requests.size() == 2);
}

TEST_CASE("a failed batch holds back the later changes of every event in it") {
  Fixture f;
  f.transport.answers = {FakeTransport::Answer(429)};
  const std::vector<WebhookChange> changes = {Change(1, 1), Change(2, 1), Change(1, 2),
                                              Change(3, 1), Change(2, 2)};
  const std::vector<WebhookOutcome> out = f.sender.Send(Endpoint(2), changes);
  // POST 1: A1 and B1 (429). Then A2 and B2 are held back, so POST 2 carries C1 alone.
  CHECK(f.transport.Ids() ==
        std::vector<std::string>{"batch_wh_mc_exec_1_1_11", "batch_wh_mc_exec_1_3_31"});
  CHECK(f.transport.requests[1].body == *WebhookBatchJson({&changes[3]}));
  CHECK(out[0].error_class == "429");
  CHECK(out[1].error_class == "429");
  CHECK(out[0].next_delay == out[1].next_delay);
  CHECK(out[2].error_class == "blocked");
  CHECK(out[4].error_class == "blocked");
  CHECK(out[3].kind == WebhookOutcomeKind::kDelivered);
}

TEST_CASE("a final 4xx gives up that change; the event's later ones wait backoff_base") {
  Fixture f;
  f.transport.answers = {FakeTransport::Answer(410, "gone")};
  const std::vector<WebhookOutcome> out =
      f.sender.Send(Endpoint(), {Change(1, 1), Change(1, 2), Change(2, 1)});
  CHECK(out[0].kind == WebhookOutcomeKind::kGiveUp);
  CHECK(out[0].error_class == "4xx");
  CHECK(out[0].message == "HTTP 410: gone");
  CHECK(out[0].attempted);
  CHECK(out[1].kind == WebhookOutcomeKind::kRetry);
  CHECK(out[1].error_class == "blocked");
  CHECK(out[1].next_delay == absl::Seconds(10));
  CHECK(out[2].kind == WebhookOutcomeKind::kDelivered);
  CHECK(f.transport.requests.size() == 2);
}

TEST_CASE("the backoff grows with the POSTs already made; past max_retry_age it gives up") {
  Fixture f;
  f.transport.answers = {FakeTransport::Failure(HttpErrorClass::kTimeout, "timed out"),
                         FakeTransport::Failure(HttpErrorClass::kConnectRefused, "refused"),
                         FakeTransport::Answer(502)};
  WebhookChange young = Change(1, 1), old = Change(2, 1), just = Change(3, 1);
  young.sends = 3;
  young.first_failed_at = kNow - absl::Hours(1);
  old.sends = 9;
  old.first_failed_at = kNow - absl::Hours(24) - absl::Seconds(1);
  just.sends = 20;
  just.first_failed_at = kNow - absl::Hours(24);
  const std::vector<WebhookOutcome> out = f.sender.Send(Endpoint(), {young, old, just});
  CHECK(out[0].kind == WebhookOutcomeKind::kRetry);
  CHECK(out[0].error_class == "timeout");
  CHECK(out[0].message == "timed out");
  CHECK(out[0].next_delay == absl::Seconds(40));  // 10 s * 2^3 * 0.5
  CHECK(out[1].kind == WebhookOutcomeKind::kGiveUp);
  CHECK(out[1].error_class == "refused");
  CHECK(out[1].message == "given up: failing for more than 24h (refused)");
  CHECK(out[2].kind == WebhookOutcomeKind::kRetry);
  CHECK(out[2].next_delay == absl::Minutes(30));  // capped at 1 h, * 0.5
}

TEST_CASE("a URL refused before any POST is a failed try, retried") {
  Fixture f;
  f.addresses = {"93.184.216.34", "10.0.0.5"};
  std::vector<WebhookOutcome> out = f.sender.Send(Endpoint(), {Change(1, 1), Change(1, 2)});
  CHECK(f.transport.requests.empty());
  CHECK(out[0].kind == WebhookOutcomeKind::kRetry);
  CHECK(out[0].error_class == "other");
  CHECK(out[0].message ==
        "url: host hooks.example.com resolves to 10.0.0.5, a private address (allow with "
        "--webhook_allow_private_networks)");
  CHECK(out[0].attempted);
  CHECK(out[0].next_delay == absl::Seconds(5));
  CHECK(out[1].error_class == "blocked");
  CHECK(!out[1].attempted);

  f.dns_failure = absl::UnavailableError("url: cannot resolve host hooks.example.com (fake)");
  out = f.sender.Send(Endpoint(), {Change(1, 1)});
  CHECK(out[0].kind == WebhookOutcomeKind::kRetry);
  CHECK(out[0].error_class == "dns");
  CHECK(out[0].message == "url: cannot resolve host hooks.example.com (fake)");
  CHECK(f.transport.requests.empty());
}

TEST_CASE("nothing is sent unsigned; a malformed webhook id is given up unsent") {
  Fixture f;
  WebhookEndpoint endpoint = Endpoint();
  endpoint.secrets = {{kKey, kNow}};  // expired at signing time
  std::vector<WebhookOutcome> out = f.sender.Send(endpoint, {Change(1, 1)});
  CHECK(f.transport.requests.empty());
  CHECK(out[0].kind == WebhookOutcomeKind::kRetry);
  CHECK(out[0].error_class == "other");
  CHECK(out[0].message == "every signing secret has expired: nothing is sent unsigned");

  WebhookChange bad = Change(1, 1);
  bad.webhook_id = "wh_1\r\nx-injected: yes";
  out = f.sender.Send(Endpoint(), {bad, Change(2, 1)});
  CHECK(out[0].kind == WebhookOutcomeKind::kGiveUp);
  CHECK(out[0].message ==
        "webhook-id of outbox row 11: not letters, digits, '_' and '-' (at most 255)");
  CHECK(out[1].kind == WebhookOutcomeKind::kDelivered);
  CHECK(f.transport.Ids() == std::vector<std::string>{"wh_mc_exec_1_2_21"});
}

TEST_CASE("a receiver's answer in last_error is one clean line of at most 200 bytes") {
  Fixture f;
  f.transport.answers = {FakeTransport::Answer(500, "<html>\r\n" + std::string(1000, 'x')),
                         FakeTransport::Answer(404)};
  const std::vector<WebhookOutcome> out = f.sender.Send(Endpoint(), {Change(1, 1), Change(2, 1)});
  CHECK(out[0].message.size() <= 200);
  CHECK(out[0].message.rfind("HTTP 500: <html>  xxx", 0) == 0);
  CHECK(out[0].message.find('\n') == std::string::npos);
  CHECK(out[1].message == "HTTP 404");
  // Neither the key nor the URL's query (it may carry a token) is ever in a message.
  for (const WebhookOutcome& o : out) {
    CHECK(o.message.find(kKey) == std::string::npos);
    CHECK(o.message.find("token=abc") == std::string::npos);
  }
}

TEST_CASE("no changes, no POST; every outcome keeps its outbox id") {
  Fixture f;
  CHECK(f.sender.Send(Endpoint(), {}).empty());
  CHECK(f.transport.requests.empty());
}

}  // namespace
}  // namespace mc::execution
