// End to end: status webhooks. A real execution-service process with its workflows, the real
// SMTP sink (bounce...@ fails hard, busy...@ softly), an SMS provider on loopback that fails the
// first try of some numbers (a real soft failure, then a success), and WebhookSink receivers on
// loopback; subscriptions put through messagecenter.v1.WebhookService with the test token.
// Every signature is checked with this test's own HMAC-SHA256 (tests/support/webhook_check.h),
// every body against GetEvent, the event's stored row and what the SMTP sink received.
#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/sinks/smtp_sink.h"
#include "common/sinks/webhook_sink.h"
#include "common/testing/shared_postgres.h"
#include "messagecenter/v1/instance.grpc.pb.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/exec_client.h"
#include "tests/support/webhook_check.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;
using sinks::WebhookSink;

// A receiver that logs every request with the answer it got and when it came.
class Receiver {
 public:
  struct Answered {
    WebhookSink::Request request;
    int status = 0;
    absl::Time at;
  };
  // answer(n, request): the status for the n-th request (from 0); unset: 200.
  using Answer = std::function<int(int64_t, const WebhookSink::Request&)>;

  explicit Receiver(Answer answer = nullptr) : answer_(std::move(answer)) {
    auto sink = WebhookSink::Start();
    if (!sink.ok()) FAIL("WebhookSink: " << sink.status().ToString());
    sink_ = *std::move(sink);
    sink_->SetResponder([this](const WebhookSink::Request& r) {
      std::lock_guard<std::mutex> lock(mu_);
      const int status = answer_ ? answer_(static_cast<int64_t>(log_.size()), r) : 200;
      log_.push_back({r, status, absl::Now()});
      cv_.notify_all();
      return status;
    });
  }
  ~Receiver() { sink_->Stop(); }

  std::string url(const std::string& path = "/webhook") const { return sink_->url(path); }
  void SetAnswer(Answer answer) {
    std::lock_guard<std::mutex> lock(mu_);
    answer_ = std::move(answer);
  }
  std::vector<Answered> Log() {
    std::lock_guard<std::mutex> lock(mu_);
    return log_;
  }
  bool WaitFor(const std::function<bool(const std::vector<Answered>&)>& done,
               absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] { return done(log_); });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  Answer answer_;
  std::vector<Answered> log_;
  std::unique_ptr<WebhookSink> sink_;  // last: stopped first
};

// The webhook-ids answered 2xx, each with the index of its first such answer.
std::map<std::string, size_t> Delivered(const std::vector<Receiver::Answered>& log) {
  std::map<std::string, size_t> out;
  for (size_t i = 0; i < log.size(); ++i) {
    if (log[i].status >= 200 && log[i].status < 300) {
      out.emplace(log[i].request.Header("webhook-id"), i);
    }
  }
  return out;
}

std::function<bool(const std::vector<Receiver::Answered>&)> DeliveredAtLeast(size_t n) {
  return [n](const std::vector<Receiver::Answered>& log) { return Delivered(log).size() >= n; };
}

v1::WebhookPayload Payload(const WebhookSink::Request& r) {
  std::optional<v1::WebhookPayload> p = ParsePayload(r.body);
  if (!p) FAIL("not a WebhookPayload: " << r.body);
  return *p;
}

// Every Standard Webhooks header of one POST, and its signature under `key` only.
void CheckHeadersAndSignature(const Receiver::Answered& a, const std::string& key,
                              const std::string& path) {
  const WebhookSink::Request& r = a.request;
  INFO("request " << r.Header("webhook-id") << ": " << r.body);
  CHECK(r.method == "POST");
  CHECK(r.path == path);
  CHECK(r.Header("content-type") == "application/json");
  CHECK(absl::StartsWith(r.Header("user-agent"), "MessageCenter-Webhooks/"));
  CHECK(absl::StartsWith(r.Header("webhook-id"), "wh_"));
  int64_t ts = 0;
  REQUIRE(absl::SimpleAtoi(r.Header("webhook-timestamp"), &ts));
  // Unix seconds of the POST: not after it arrived (the clock is shared), not long before.
  CHECK(ts <= absl::ToUnixSeconds(a.at));
  CHECK(ts > absl::ToUnixSeconds(a.at) - 120);
  CHECK(SignatureEntries(r).size() == 1);
  CHECK(SignedWith(key, r));
  // The check can fail: another key, or one byte of the body changed.
  CHECK_FALSE(SignedWith(NewTestSecret().key, r));
  WebhookSink::Request tampered = r;
  tampered.body.back() = tampered.body.back() == '}' ? ' ' : '}';
  CHECK_FALSE(SignedWith(key, tampered));
  const v1::WebhookPayload p = Payload(r);
  CHECK(p.data().webhook_id() == r.Header("webhook-id"));
}

struct Instance {
  std::string schema;
  std::unique_ptr<process::ServiceProcess> service;
  std::unique_ptr<ExecClient> client;
  std::unique_ptr<WebhookClient> hooks;

  int64_t Scalar(const std::string& sql) const {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::work tx(c);
    tx.exec("SET search_path TO " + schema);
    pqxx::result r = tx.exec(sql);
    return r[0][0].is_null() ? 0 : r[0][0].as<int64_t>();
  }
  std::string Text(const std::string& sql) const {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::work tx(c);
    tx.exec("SET search_path TO " + schema);
    pqxx::result r = tx.exec(sql);
    return r[0][0].is_null() ? "" : r[0][0].as<std::string>();
  }
};

v1::Template EmailTemplate(const std::string& name, const std::string& type) {
  v1::Template t;
  t.set_internal_name(name);
  t.set_event_type(type);
  t.set_channel(v1::CHANNEL_EMAIL);
  t.set_version(1);
  t.set_subject("Order <%= rtEvent.ctx.order %>");
  t.set_text_body("Order <%= rtEvent.ctx.order %> shipped.");
  return t;
}

v1::Template SmsTemplate(const std::string& name, const std::string& type) {
  v1::Template t;
  t.set_internal_name(name);
  t.set_event_type(type);
  t.set_channel(v1::CHANNEL_SMS);
  t.set_version(1);
  t.set_sms_text("Order <%= rtEvent.ctx.order %> shipped.");
  return t;
}

v1::Event Email(const std::string& type, const std::string& address, const std::string& ext) {
  v1::Event e;
  e.set_type(type);
  e.set_email(address);
  e.set_external_id(ext);
  (*e.mutable_ctx()->mutable_fields())["order"].set_string_value("A-17");
  return e;
}

v1::Event Sms(const std::string& type, const std::string& phone, const std::string& ext) {
  v1::Event e;
  e.set_type(type);
  e.set_wished_channel(v1::CHANNEL_SMS);
  e.set_mobile_phone(phone);
  e.set_external_id(ext);
  (*e.mutable_ctx()->mutable_fields())["order"].set_string_value("S-9");
  return e;
}

// The SMTP relay and the SMS provider every instance of this test uses. The provider answers
// 503 to the first POST for a number starting "+33611" (a soft failure, tried again), 200 to
// everything else.
struct Relays {
  std::unique_ptr<sinks::SmtpSink> smtp;
  std::unique_ptr<Receiver> sms;
};

Relays& SharedRelays() {
  static Relays r = [] {
    Relays r;
    r.smtp = *sinks::SmtpSink::Start({});
    auto seen = std::make_shared<std::set<std::string>>();
    r.sms = std::make_unique<Receiver>([seen](int64_t, const WebhookSink::Request& req) {
      const nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
      const std::string to = body.is_object() ? body.value("to", "") : "";
      if (absl::StartsWith(to, "+33611") && seen->insert(to).second) return 503;
      return 200;
    });
    return r;
  }();
  return r;
}

Instance StartInstance(const std::string& label, std::vector<std::string> flags) {
  Relays& relays = SharedRelays();
  Instance i;
  i.schema = testing::FreshSchema(label);
  std::vector<std::string> all = {"--smtp_url=" + relays.smtp->url(),
                                  "--sms_url=" + relays.sms->url("/sms"),
                                  "--message_id_domain=mc.test",
                                  "--retry_base_ms=300",
                                  "--max_tries=4",
                                  "--lease_seconds=5",
                                  "--workflow_refresh_ms=100",
                                  "--batch_poll_ms=100",
                                  "--status_update_pause_ms=20"};
  all.insert(all.end(), flags.begin(), flags.end());
  i.service = std::make_unique<process::ServiceProcess>(
      StartExecution(testing::SharedPostgresDsn(), i.schema, all));
  i.client = std::make_unique<ExecClient>(i.service->address());
  i.hooks = std::make_unique<WebhookClient>(i.service->address());
  return i;
}

// The instance most cases share: private networks and http allowed (the receivers are on
// loopback), quick webhook retries, no pause within a test's time.
Instance& Main() {
  static Instance i = [] {
    Instance i = StartInstance("webhooks", {"--start_workflows", "--webhook_allow_private_networks",
                                            "--webhook_allow_http", "--webhook_retry_base_ms=100",
                                            "--webhook_retry_cap_ms=500"});
    for (const char* type :
         {"WH_FINAL", "WH_ATTEMPT", "WH_RETRY", "WH_GONE", "WH_REPLAY", "WH_ROTATE", "WH_BATCH"}) {
      REQUIRE(i.client->Publish(EmailTemplate(absl::StrCat("mail_", type), type)).ok());
    }
    for (const char* type : {"WH_ATTEMPT", "WH_RETRY", "WH_BATCH"}) {
      REQUIRE(i.client->Publish(SmsTemplate(absl::StrCat("sms_", type), type)).ok());
    }
    return i;
  }();
  return i;
}

// The Message-ID header of the mail the SMTP sink received for this event ("" when none).
std::string MailMessageId(int64_t id) {
  const std::string want = absl::StrCat("<ev-rt-", id, "@mc.test>");
  for (const auto& m : SharedRelays().smtp->Messages()) {
    const size_t at = m.data.find("Message-ID: ");
    if (at == std::string::npos) continue;
    const std::string value = m.data.substr(at + 12, m.data.find("\r\n", at) - at - 12);
    if (value == want) return value;
  }
  return "";
}

TEST_CASE("every final status and every retried attempt reach the receiver validly signed") {
  Instance& m = Main();
  Receiver finals, attempts;
  const TestSecret finals_secret = NewTestSecret(), attempts_secret = NewTestSecret();
  REQUIRE(m.hooks
              ->Put(Subscription("finals", finals.url("/finals?from=mc"), {"WH_FINAL", "WH_NONE"},
                                 {{finals_secret.value, std::nullopt}}))
              .ok());
  v1::WebhookSubscription every = Subscription("attempts", attempts.url("/attempts"),
                                               {"WH_ATTEMPT"}, {{attempts_secret.value, {}}});
  every.set_every_attempt(true);
  REQUIRE(m.hooks->Put(every).ok());

  // The cheapest way to each final status.
  std::map<int64_t, v1::EventStatus> expected;
  const int64_t sent =
      m.client->Push(v1::QUEUE_REAL_TIME, Email("WH_FINAL", "ana@example.com", "fin-sent"));
  expected[sent] = v1::EVENT_STATUS_SENT;
  const int64_t failed =
      m.client->Push(v1::QUEUE_REAL_TIME, Email("WH_FINAL", "bounce-wh@example.com", "fin-failed"));
  expected[failed] = v1::EVENT_STATUS_DELIVERY_FAILED;
  REQUIRE(m.client->WaitFinal(failed).status() == v1::EVENT_STATUS_DELIVERY_FAILED);
  const int64_t ignored = m.client->Push(v1::QUEUE_REAL_TIME,
                                         Email("WH_FINAL", "bounce-wh@example.com", "fin-ignored"));
  expected[ignored] = v1::EVENT_STATUS_IGNORED_BY_DELIVERY;
  const int64_t not_taken =
      m.client->Push(v1::QUEUE_REAL_TIME, Email("WH_NONE", "cy@example.com", "fin-not-taken"));
  expected[not_taken] = v1::EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT;
  v1::Event late = Email("WH_FINAL", "di@example.com", "fin-expired");
  late.mutable_expiration()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 60);
  const int64_t expired = m.client->Push(v1::QUEUE_REAL_TIME, late);
  expected[expired] = v1::EVENT_STATUS_EXPIRED;
  const int64_t retried =
      m.client->Push(v1::QUEUE_REAL_TIME, Sms("WH_ATTEMPT", "+33611000001", "att-1"));
  // Soft failures until the tries run out (--max_tries=4): three attempts, then Expired.
  const int64_t busy =
      m.client->Push(v1::QUEUE_REAL_TIME, Email("WH_ATTEMPT", "busy-wh@example.com", "att-busy"));

  std::map<int64_t, v1::StoredEvent> events;
  for (const auto& [id, status] : expected) {
    events[id] = m.client->WaitFinal(id);
    REQUIRE(events[id].status() == status);
  }
  const v1::StoredEvent retried_event = m.client->WaitFinal(retried);
  REQUIRE(retried_event.status() == v1::EVENT_STATUS_SENT);
  const v1::StoredEvent busy_event = m.client->WaitFinal(busy);
  REQUIRE(busy_event.status() == v1::EVENT_STATUS_EXPIRED);

  REQUIRE(finals.WaitFor(DeliveredAtLeast(5), absl::Seconds(60)));
  REQUIRE(attempts.WaitFor(DeliveredAtLeast(6), absl::Seconds(60)));
  // Every webhook is queued, posted and recorded: the counts say so once the outbox is drained.
  v1::SubscriptionStatus st = m.hooks->WaitStatus(
      "finals", [](const auto& s) { return s.delivered() == 5; }, absl::Seconds(30));
  CHECK(st.delivered() == 5);
  CHECK(st.queued() == 0);
  CHECK(st.failed() == 0);
  CHECK(st.secrets() == 1);

  const std::vector<Receiver::Answered> log = finals.Log();
  CHECK(log.size() == 5);  // one POST each: nothing else was sent to it
  std::set<int64_t> seen;
  for (const Receiver::Answered& a : log) {
    CheckHeadersAndSignature(a, finals_secret.key, "/finals?from=mc");
    CHECK_FALSE(SignedWith(attempts_secret.key, a.request));
    const v1::WebhookPayload p = Payload(a.request);
    const v1::WebhookData& d = p.data();
    INFO("event " << d.event_id() << ": " << a.request.body);
    REQUIRE(events.count(d.event_id()) == 1);
    CHECK(seen.insert(d.event_id()).second);
    const v1::StoredEvent& e = events[d.event_id()];
    CHECK(p.type() == "event.status");
    CHECK(d.event_id() == e.id());
    CHECK(d.external_id() == e.event().external_id());
    CHECK(d.queue() == v1::QUEUE_REAL_TIME);
    CHECK(d.queue() == e.queue());
    CHECK(d.event_type() == e.event().type());
    CHECK(d.status() == e.status());
    CHECK(d.instance_id() == "");  // InitializeInstance was never called
    // The change's time is the final update's: the same statement wrote both.
    CHECK(FromProto(p.timestamp()) == FromProto(e.updated()));
    // Routing as the event row holds it.
    const std::string row = absl::StrCat("FROM rt_events WHERE id = ", d.event_id());
    CHECK(d.template_version() == m.Scalar("SELECT template_version " + row));
    CHECK(d.template_name() ==
          m.Text("SELECT (SELECT internal_name FROM templates t WHERE t.id = e.template_id) "
                 "FROM rt_events e WHERE id = " +
                 std::to_string(d.event_id())));
    const std::string log_row = absl::StrCat("FROM delivery_logs WHERE event_id = ", d.event_id());
    switch (d.status()) {
      case v1::EVENT_STATUS_SENT:
        CHECK(d.status_label() == "Sent");
        CHECK(d.template_name() == "mail_WH_FINAL");
        CHECK(d.template_version() == 1);
        CHECK(d.message_id() == absl::StrCat("<ev-rt-", d.event_id(), "@mc.test>"));
        CHECK(d.message_id() == MailMessageId(d.event_id()));
        CHECK(d.reason().empty());
        CHECK(d.failure_type() == v1::FAILURE_TYPE_UNSPECIFIED);
        CHECK(d.try_number() == 1);
        break;
      case v1::EVENT_STATUS_DELIVERY_FAILED:
        CHECK(d.status_label() == "Delivery failed");
        CHECK(d.template_name() == "mail_WH_FINAL");
        CHECK(d.failure_type() == v1::FAILURE_TYPE_HARD);
        // The relay's refusal, as the SMTP sink gave it.
        CHECK(absl::StrContains(d.reason(), "550 5.1.1 <bounce-wh@example.com>: user unknown"));
        CHECK(d.message_id() == absl::StrCat("<ev-rt-", d.event_id(), "@mc.test>"));
        CHECK(MailMessageId(d.event_id()).empty());  // refused: never accepted
        CHECK(d.try_number() == 1);
        break;
      case v1::EVENT_STATUS_IGNORED_BY_DELIVERY:
        CHECK(d.status_label() == "Ignored by the delivery");
        CHECK(d.template_name() == "mail_WH_FINAL");
        CHECK(d.reason() == "address in quarantine or deny list");
        CHECK(d.reason() == m.Text("SELECT failure_reason " + log_row));
        CHECK(MailMessageId(d.event_id()).empty());
        break;
      case v1::EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT:
        CHECK(d.status_label() == "Event not taken into account");
        CHECK(d.template_name().empty());
        CHECK(d.template_version() == 0);
        CHECK(d.reason() == "no template published for its event type and channel");
        CHECK(d.message_id().empty());
        break;
      case v1::EVENT_STATUS_EXPIRED:
        CHECK(d.status_label() == "Expired");
        CHECK(d.failure_type() == v1::FAILURE_TYPE_SOFT);
        CHECK(d.reason() == "expired before it was taken up");
        CHECK(d.message_id().empty());
        break;
      default:
        FAIL("unexpected status " << d.status());
    }
    if (d.status() >= v1::EVENT_STATUS_SENT && d.status() <= v1::EVENT_STATUS_DELIVERY_FAILED) {
      CHECK(d.message_id() == m.Text("SELECT message_id " + log_row));
      CHECK(d.try_number() == m.Scalar("SELECT tries " + log_row));
    }
  }
  CHECK(seen.size() == 5);

  // every_attempt, in the order of the changes per event.
  std::vector<Receiver::Answered> att, busy_hooks;
  for (const Receiver::Answered& a : attempts.Log()) {
    CheckHeadersAndSignature(a, attempts_secret.key, "/attempts");
    CHECK_FALSE(SignedWith(finals_secret.key, a.request));
    (Payload(a.request).data().event_id() == busy ? busy_hooks : att).push_back(a);
  }
  CHECK(attempts.Log().size() == 6);

  // The busy address: a 451 at each try; the three retried ones, then Expired.
  REQUIRE(busy_hooks.size() == 4);
  CHECK(m.Scalar(absl::StrCat("SELECT count(*) FROM delivery_attempts WHERE event_id = ", busy)) ==
        3);
  for (int n = 0; n < 4; ++n) {
    const v1::WebhookPayload p = Payload(busy_hooks[n].request);
    INFO("busy webhook " << n << ": " << busy_hooks[n].request.body);
    CHECK(p.type() == (n < 3 ? "event.attempt" : "event.status"));
    CHECK(p.data().status() ==
          (n < 3 ? v1::EVENT_STATUS_PENDING_DELIVERY : v1::EVENT_STATUS_EXPIRED));
    CHECK(p.data().try_number() == n + 1);
    CHECK(p.data().failure_type() == v1::FAILURE_TYPE_SOFT);
    CHECK(absl::StrContains(p.data().reason(), "451 4.3.0 <busy-wh@example.com>: try again later"));
    CHECK(p.data().message_id() == absl::StrCat("<ev-rt-", busy, "@mc.test>"));
    CHECK(p.data().external_id() == "att-busy");
    CHECK(p.data().template_name() == "mail_WH_ATTEMPT");
    CHECK(p.data().has_next_try() == (n < 3));
    if (n == 3) {
      CHECK(absl::StartsWith(p.data().reason(), "tries exhausted (4): "));
      CHECK(FromProto(p.timestamp()) == FromProto(busy_event.updated()));
    }
  }

  // The SMS: the soft failure (a 503 from the SMS provider), then the success.
  REQUIRE(att.size() == 2);
  const v1::WebhookPayload first = Payload(att[0].request), second = Payload(att[1].request);
  CHECK(att[0].request.Header("webhook-id") != att[1].request.Header("webhook-id"));
  CHECK(first.type() == "event.attempt");
  CHECK(first.data().event_id() == retried);
  CHECK(first.data().external_id() == "att-1");
  CHECK(first.data().event_type() == "WH_ATTEMPT");
  CHECK(first.data().status() == v1::EVENT_STATUS_PENDING_DELIVERY);
  CHECK(first.data().try_number() == 1);
  CHECK(first.data().failure_type() == v1::FAILURE_TYPE_SOFT);
  CHECK(absl::StrContains(first.data().reason(), "503"));
  CHECK(first.data().template_name() == "sms_WH_ATTEMPT");
  CHECK(first.data().template_version() == 1);
  REQUIRE(first.data().has_next_try());
  CHECK(FromProto(first.data().next_try()) > FromProto(first.timestamp()));
  CHECK(FromProto(first.data().next_try()) ==
        absl::FromUnixMicros(m.Scalar(absl::StrCat(
            "SELECT (extract(epoch FROM next_try_at) * 1000000)::bigint FROM delivery_attempts "
            "WHERE try_number = 1 AND event_id = ",
            retried))));
  CHECK(second.type() == "event.status");
  CHECK(second.data().event_id() == retried);
  CHECK(second.data().status() == v1::EVENT_STATUS_SENT);
  CHECK(second.data().try_number() == 2);
  CHECK(FromProto(second.timestamp()) == FromProto(retried_event.updated()));
  CHECK(FromProto(first.timestamp()) < FromProto(second.timestamp()));
  // The Message-ID the SMS provider was given, both times.
  const std::string mid = absl::StrCat("<ev-rt-", retried, "@mc.test>");
  CHECK(first.data().message_id() == mid);
  CHECK(second.data().message_id() == mid);
  int provider_posts = 0;
  for (const Receiver::Answered& a : SharedRelays().sms->Log()) {
    const nlohmann::json body = nlohmann::json::parse(a.request.body, nullptr, false);
    if (body.is_object() && body.value("to", "") == "+33611000001") {
      ++provider_posts;
      CHECK(body.value("messageId", "") == mid);
      CHECK(a.status == (provider_posts == 1 ? 503 : 200));
    }
  }
  CHECK(provider_posts == 2);
}

TEST_CASE("a receiver failing with 500 for a while gets every webhook, in order, same ids") {
  Instance& m = Main();
  constexpr int kFailures = 8;
  Receiver flaky([](int64_t n, const WebhookSink::Request&) { return n < kFailures ? 500 : 200; });
  const TestSecret secret = NewTestSecret();
  v1::WebhookSubscription s =
      Subscription("flaky", flaky.url("/flaky"), {"WH_RETRY"}, {{secret.value, {}}});
  s.set_every_attempt(true);
  REQUIRE(m.hooks->Put(s).ok());

  // Three events with a retried attempt and their final status, three with a final one only.
  std::vector<int64_t> with_attempt, final_only;
  for (int i = 0; i < 3; ++i) {
    with_attempt.push_back(
        m.client->Push(v1::QUEUE_REAL_TIME,
                       Sms("WH_RETRY", absl::StrCat("+3361100001", i), absl::StrCat("r-", i))));
    final_only.push_back(m.client->Push(
        v1::QUEUE_REAL_TIME,
        Email("WH_RETRY", absl::StrCat("flaky", i, "@example.com"), absl::StrCat("f-", i))));
  }
  for (int64_t id : with_attempt)
    REQUIRE(m.client->WaitFinal(id).status() == v1::EVENT_STATUS_SENT);
  for (int64_t id : final_only) REQUIRE(m.client->WaitFinal(id).status() == v1::EVENT_STATUS_SENT);

  REQUIRE(flaky.WaitFor(DeliveredAtLeast(9), absl::Seconds(90)));
  const v1::SubscriptionStatus st = m.hooks->WaitStatus(
      "flaky", [](const auto& s) { return s.delivered() == 9 && s.queued() == 0; },
      absl::Seconds(30));
  CHECK(st.delivered() == 9);
  CHECK(st.failed() == 0);
  CHECK(st.queued() == 0);
  CHECK(absl::StrContains(st.last_error(), "500"));

  const std::vector<Receiver::Answered> log = flaky.Log();
  const std::map<std::string, size_t> delivered = Delivered(log);
  WARN("POSTs to the flaky receiver: " << log.size() << " for " << delivered.size() << " webhooks");
  CHECK(delivered.size() == 9);  // a retry never makes a new webhook-id
  REQUIRE(log.size() > static_cast<size_t>(kFailures));
  std::map<std::string, std::string> body_of;
  std::map<int64_t, std::vector<std::pair<v1::WebhookPayload, size_t>>> by_event;
  for (size_t i = 0; i < log.size(); ++i) {
    const WebhookSink::Request& r = log[i].request;
    const std::string id = r.Header("webhook-id");
    INFO("POST " << i << " answered " << log[i].status << ": " << r.body);
    CHECK(SignedWith(secret.key, r));  // every retry signed anew, validly
    // The same webhook-id carries the same body on every try.
    auto [it, first] = body_of.emplace(id, r.body);
    CHECK(it->second == r.body);
    // Every webhook answered 500 was later delivered under the same id.
    if (log[i].status == 500) {
      REQUIRE(delivered.count(id) == 1);
      CHECK(delivered.at(id) > i);
    }
    if (first) by_event[Payload(r).data().event_id()].emplace_back(Payload(r), i);
  }
  for (int64_t id : with_attempt) {
    INFO("event " << id);
    const auto& hooks = by_event[id];
    REQUIRE(hooks.size() == 2);
    const auto& [attempt, attempt_first] = hooks[0];
    const auto& [final_hook, final_first] = hooks[1];
    CHECK(attempt.type() == "event.attempt");
    CHECK(final_hook.type() == "event.status");
    CHECK(final_hook.data().status() == v1::EVENT_STATUS_SENT);
    // The final status is not even tried before the attempt was delivered.
    CHECK(final_first > delivered.at(attempt.data().webhook_id()));
    CHECK(delivered.at(final_hook.data().webhook_id()) > delivered.at(attempt.data().webhook_id()));
  }
  for (int64_t id : final_only) {
    REQUIRE(by_event[id].size() == 1);
    CHECK(by_event[id][0].first.data().status() == v1::EVENT_STATUS_SENT);
  }
}

TEST_CASE("a 410 is final for that webhook: never sent again, counted as failed") {
  Instance& m = Main();
  std::atomic<bool> gone{true};
  Receiver receiver(
      [&gone](int64_t, const WebhookSink::Request&) { return gone.load() ? 410 : 200; });
  const TestSecret secret = NewTestSecret();
  REQUIRE(
      m.hooks->Put(Subscription("gone", receiver.url("/gone"), {"WH_GONE"}, {{secret.value, {}}}))
          .ok());
  const int64_t a = m.client->Push(v1::QUEUE_REAL_TIME, Email("WH_GONE", "g1@example.com", "g-1"));
  const int64_t b = m.client->Push(v1::QUEUE_REAL_TIME, Email("WH_GONE", "g2@example.com", "g-2"));
  REQUIRE(m.client->WaitFinal(a).status() == v1::EVENT_STATUS_SENT);
  REQUIRE(m.client->WaitFinal(b).status() == v1::EVENT_STATUS_SENT);

  v1::SubscriptionStatus st = m.hooks->WaitStatus(
      "gone", [](const auto& s) { return s.failed() == 2; }, absl::Seconds(60));
  CHECK(st.failed() == 2);
  CHECK(st.delivered() == 0);
  CHECK(st.queued() == 0);
  CHECK(absl::StrContains(st.last_error(), "410"));
  CHECK(st.has_failing_since());
  CHECK(st.state() == v1::SUBSCRIPTION_STATE_ACTIVE);

  // The endpoint accepts again; a new event's webhook goes through, the two given up do not
  // come back (their retry would have been due many times over by then: 100 ms base).
  gone = false;
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const int64_t c = m.client->Push(v1::QUEUE_REAL_TIME, Email("WH_GONE", "g3@example.com", "g-3"));
  REQUIRE(m.client->WaitFinal(c).status() == v1::EVENT_STATUS_SENT);
  REQUIRE(receiver.WaitFor(DeliveredAtLeast(1), absl::Seconds(60)));
  st = m.hooks->WaitStatus(
      "gone", [](const auto& s) { return s.delivered() == 1; }, absl::Seconds(30));
  CHECK(st.delivered() == 1);
  CHECK(st.failed() == 2);
  CHECK(st.queued() == 0);
  CHECK_FALSE(st.has_failing_since());  // a success clears it

  const std::vector<Receiver::Answered> log = receiver.Log();
  REQUIRE(log.size() == 3);
  std::map<int64_t, int> answers;
  for (const Receiver::Answered& x : log) {
    CHECK(SignedWith(secret.key, x.request));
    answers[Payload(x.request).data().event_id()] = x.status;
  }
  CHECK(answers == std::map<int64_t, int>{{a, 410}, {b, 410}, {c, 200}});
}

TEST_CASE("replay re-sends one webhook by its id, or all of a subscription since a time") {
  Instance& m = Main();
  Receiver receiver;
  const TestSecret secret = NewTestSecret();
  const absl::Time since = absl::Now() - absl::Seconds(1);
  REQUIRE(m.hooks
              ->Put(Subscription("replay", receiver.url("/replay"), {"WH_REPLAY"},
                                 {{secret.value, {}}}))
              .ok());
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(m.client->Push(
        v1::QUEUE_REAL_TIME,
        Email("WH_REPLAY", absl::StrCat("rp", i, "@example.com"), absl::StrCat("rp-", i))));
  }
  for (int64_t id : ids) REQUIRE(m.client->WaitFinal(id).status() == v1::EVENT_STATUS_SENT);
  REQUIRE(receiver.WaitFor(DeliveredAtLeast(3), absl::Seconds(60)));
  auto drained = [](int64_t delivered) {
    return [delivered](const v1::SubscriptionStatus& s) {
      return s.delivered() == delivered && s.queued() == 0;
    };
  };
  REQUIRE(m.hooks->WaitStatus("replay", drained(3), absl::Seconds(30)).delivered() == 3);
  const std::vector<Receiver::Answered> original = receiver.Log();
  REQUIRE(original.size() == 3);

  // One, by its webhook-id: the same id and body again.
  const WebhookSink::Request& chosen = original[1].request;
  int64_t replayed = 0;
  REQUIRE(m.hooks->ReplayOne(chosen.Header("webhook-id"), &replayed).ok());
  CHECK(replayed == 1);
  REQUIRE(receiver.WaitFor([](const auto& log) { return log.size() >= 4; }, absl::Seconds(60)));
  REQUIRE(m.hooks->WaitStatus("replay", drained(4), absl::Seconds(30)).delivered() == 4);
  std::vector<Receiver::Answered> log = receiver.Log();
  REQUIRE(log.size() == 4);
  CHECK(log[3].request.Header("webhook-id") == chosen.Header("webhook-id"));
  CHECK(log[3].request.body == chosen.body);
  CHECK(SignedWith(secret.key, log[3].request));

  // All of them since a time before the first: each again, with its own id.
  REQUIRE(m.hooks->ReplaySince("replay", since, &replayed).ok());
  CHECK(replayed == 3);
  REQUIRE(receiver.WaitFor([](const auto& log) { return log.size() >= 7; }, absl::Seconds(60)));
  REQUIRE(m.hooks->WaitStatus("replay", drained(7), absl::Seconds(30)).delivered() == 7);
  log = receiver.Log();
  REQUIRE(log.size() == 7);
  std::map<std::string, std::string> first_bodies, replayed_bodies;
  for (size_t i = 0; i < 3; ++i) {
    first_bodies[original[i].request.Header("webhook-id")] = original[i].request.body;
  }
  for (size_t i = 4; i < 7; ++i) {
    CHECK(SignedWith(secret.key, log[i].request));
    replayed_bodies[log[i].request.Header("webhook-id")] = log[i].request.body;
  }
  CHECK(replayed_bodies == first_bodies);

  // A time after every webhook replays none; unknown ids and subscriptions are NOT_FOUND.
  REQUIRE(m.hooks->ReplaySince("replay", absl::Now() + absl::Hours(1), &replayed).ok());
  CHECK(replayed == 0);
  CHECK(m.hooks->ReplayOne(absl::StrCat("wh_", m.schema, "_1_999999999"), &replayed).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  CHECK(m.hooks->ReplayOne("wh_other_schema_1_1", &replayed).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  CHECK(m.hooks->ReplaySince("no-such", since, &replayed).error_code() ==
        grpc::StatusCode::NOT_FOUND);
}

TEST_CASE("secret rotation: two signatures during the overlap, one after the old expires") {
  Instance& m = Main();
  Receiver receiver;
  const TestSecret old_secret = NewTestSecret(), new_secret = NewTestSecret();
  v1::WebhookSubscription s =
      Subscription("rotate", receiver.url("/rotate"), {"WH_ROTATE"},
                   {{old_secret.value, absl::Now() + absl::Hours(1)}, {new_secret.value, {}}});
  s.set_version(1);
  v1::SubscriptionStatus put;
  REQUIRE(m.hooks->Put(s, &put).ok());
  CHECK(put.secrets() == 2);
  for (const v1::WebhookSecret& x : put.subscription().secrets()) CHECK(x.value().empty());

  const int64_t a =
      m.client->Push(v1::QUEUE_REAL_TIME, Email("WH_ROTATE", "ro1@example.com", "ro-1"));
  REQUIRE(m.client->WaitFinal(a).status() == v1::EVENT_STATUS_SENT);
  REQUIRE(receiver.WaitFor(DeliveredAtLeast(1), absl::Seconds(60)));
  {
    const WebhookSink::Request r = receiver.Log()[0].request;
    INFO("webhook-signature: " << r.Header("webhook-signature"));
    const std::vector<std::string> entries = SignatureEntries(r);
    REQUIRE(entries.size() == 2);
    for (const std::string& e : entries) CHECK(absl::StartsWith(e, "v1,"));
    // A receiver that knows only one of them verifies; one that knows neither does not.
    CHECK(SignedWith(old_secret.key, r));
    CHECK(SignedWith(new_secret.key, r));
    CHECK_FALSE(SignedWith(NewTestSecret().key, r));
    CHECK(entries[0] != entries[1]);
  }

  // The overlap is cut short: the old secret expires two seconds from now.
  const absl::Time expiry = absl::Now() + absl::Seconds(2);
  s.mutable_secrets(0)->mutable_expires()->set_seconds(absl::ToUnixSeconds(expiry));
  s.mutable_secrets(0)->mutable_expires()->set_nanos(0);
  s.set_version(2);
  REQUIRE(m.hooks->Put(s).ok());
  // A late publication of the first version changes nothing.
  v1::WebhookSubscription stale = s;
  stale.set_version(1);
  stale.mutable_secrets(0)->mutable_expires()->set_seconds(absl::ToUnixSeconds(absl::Now()) + 3600);
  REQUIRE(m.hooks->Put(stale).ok());
  while (absl::Now() < expiry + absl::Milliseconds(1100)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(m.hooks->Status("rotate").secrets() == 1);
  CHECK(m.hooks->Status("rotate").subscription().version() == 2);
  const int64_t b =
      m.client->Push(v1::QUEUE_REAL_TIME, Email("WH_ROTATE", "ro2@example.com", "ro-2"));
  REQUIRE(m.client->WaitFinal(b).status() == v1::EVENT_STATUS_SENT);
  REQUIRE(receiver.WaitFor(DeliveredAtLeast(2), absl::Seconds(60)));
  const WebhookSink::Request r = receiver.Log()[1].request;
  CHECK(Payload(r).data().event_id() == b);
  INFO("webhook-signature: " << r.Header("webhook-signature"));
  CHECK(SignatureEntries(r).size() == 1);
  CHECK(SignedWith(new_secret.key, r));
  CHECK_FALSE(SignedWith(old_secret.key, r));
}

// The body of a batched POST.
std::optional<v1::WebhookBatch> ParseBatch(const std::string& body) {
  v1::WebhookBatch b;
  if (!google::protobuf::util::JsonStringToMessage(body, &b).ok()) return std::nullopt;
  return b;
}

TEST_CASE("batched, filtered, disabled and deleted subscriptions") {
  Instance& m = Main();
  Receiver batched, sent_only;
  std::atomic<bool> taken_up_down{false};
  Receiver taken_up([&taken_up_down](int64_t, const WebhookSink::Request&) {
    return taken_up_down.load() ? 503 : 200;
  });
  const TestSecret secret = NewTestSecret();
  v1::WebhookSubscription b =
      Subscription("batched", batched.url("/batched"), {"WH_BATCH"}, {{secret.value, {}}});
  b.set_max_batch(50);
  b.set_every_attempt(true);
  REQUIRE(m.hooks->Put(b).ok());
  v1::WebhookSubscription so =
      Subscription("sent-only", sent_only.url("/sent"), {"WH_BATCH"}, {{secret.value, {}}});
  so.add_statuses(v1::EVENT_STATUS_SENT);
  REQUIRE(m.hooks->Put(so).ok());
  v1::WebhookSubscription tu =
      Subscription("taken-up", taken_up.url("/taken"), {"WH_BATCH"}, {{secret.value, {}}});
  tu.add_statuses(v1::EVENT_STATUS_PENDING_DELIVERY);
  REQUIRE(m.hooks->Put(tu).ok());

  std::vector<int64_t> sent;
  for (int i = 0; i < 4; ++i) {
    sent.push_back(m.client->Push(
        v1::QUEUE_BATCH,
        Email("WH_BATCH", absl::StrCat("bt", i, "@example.com"), absl::StrCat("bt-", i))));
  }
  const int64_t bounced =
      m.client->Push(v1::QUEUE_BATCH, Email("WH_BATCH", "bounce-bt@example.com", "bt-bounce"));
  const int64_t retried =
      m.client->Push(v1::QUEUE_BATCH, Sms("WH_BATCH", "+33611000020", "bt-sms"));
  sent.push_back(retried);
  for (int64_t id : sent) REQUIRE(m.client->WaitFinal(id).status() == v1::EVENT_STATUS_SENT);
  REQUIRE(m.client->WaitFinal(bounced).status() == v1::EVENT_STATUS_DELIVERY_FAILED);

  // Batched: WebhookBatch bodies, the header id "batch_" + the first item's; 7 changes (5 sent,
  // 1 failed, 1 attempt), the attempt in an earlier POST than its event's final status.
  auto items = [](const std::vector<Receiver::Answered>& log) {
    std::map<std::string, std::pair<v1::WebhookPayload, size_t>> out;
    for (size_t i = 0; i < log.size(); ++i) {
      std::optional<v1::WebhookBatch> batch = ParseBatch(log[i].request.body);
      if (!batch) continue;
      for (const v1::WebhookPayload& p : batch->webhooks()) {
        out.emplace(p.data().webhook_id(), std::make_pair(p, i));
      }
    }
    return out;
  };
  REQUIRE(
      batched.WaitFor([&](const auto& log) { return items(log).size() >= 7; }, absl::Seconds(60)));
  const std::vector<Receiver::Answered> log = batched.Log();
  for (const Receiver::Answered& a : log) {
    INFO(a.request.body);
    CHECK(SignedWith(secret.key, a.request));
    std::optional<v1::WebhookBatch> batch = ParseBatch(a.request.body);
    REQUIRE(batch.has_value());
    REQUIRE(batch->webhooks_size() >= 1);
    CHECK(a.request.Header("webhook-id") == "batch_" + batch->webhooks(0).data().webhook_id());
  }
  const auto by_id = items(log);
  CHECK(by_id.size() == 7);
  std::map<int64_t, std::vector<std::pair<v1::WebhookPayload, size_t>>> by_event;
  for (const auto& [id, item] : by_id) by_event[item.first.data().event_id()].push_back(item);
  CHECK(by_event.size() == 6);
  REQUIRE(by_event[retried].size() == 2);
  const auto& sms_hooks = by_event[retried];
  const auto& attempt = sms_hooks[0].first.type() == "event.attempt" ? sms_hooks[0] : sms_hooks[1];
  const auto& final_hook =
      sms_hooks[0].first.type() == "event.attempt" ? sms_hooks[1] : sms_hooks[0];
  CHECK(attempt.first.type() == "event.attempt");
  CHECK(final_hook.first.data().status() == v1::EVENT_STATUS_SENT);
  CHECK(attempt.second < final_hook.second);
  REQUIRE(by_event[bounced].size() == 1);
  CHECK(by_event[bounced][0].first.data().status() == v1::EVENT_STATUS_DELIVERY_FAILED);

  // statuses [SENT]: the five sent, nothing else.
  REQUIRE(sent_only.WaitFor(DeliveredAtLeast(5), absl::Seconds(60)));
  // statuses [PENDING_DELIVERY]: each of the six when it was taken up.
  REQUIRE(taken_up.WaitFor(DeliveredAtLeast(6), absl::Seconds(60)));
  for (const Receiver::Answered& a : taken_up.Log()) {
    const v1::WebhookPayload p = Payload(a.request);
    CHECK(p.type() == "event.status");
    CHECK(p.data().status() == v1::EVENT_STATUS_PENDING_DELIVERY);
    CHECK(p.data().status_label() == "Pending delivery");
    CHECK(p.data().queue() == v1::QUEUE_BATCH);
    CHECK(p.data().template_version() == 1);
    CHECK((p.data().template_name() == "mail_WH_BATCH" ||
           p.data().template_name() == "sms_WH_BATCH"));
  }

  // Disabled: nothing new is queued for it. The taken-up endpoint starts failing: what it has
  // queued is dropped by the delete.
  so.set_disabled(true);
  so.set_version(1);
  REQUIRE(m.hooks->Put(so).ok());
  taken_up_down = true;
  const int64_t later =
      m.client->Push(v1::QUEUE_BATCH, Email("WH_BATCH", "bt-later@example.com", "bt-later"));
  REQUIRE(m.client->WaitFinal(later).status() == v1::EVENT_STATUS_SENT);
  REQUIRE(
      batched.WaitFor([&](const auto& log) { return items(log).size() >= 8; }, absl::Seconds(60)));
  REQUIRE(taken_up.WaitFor([](const auto& log) { return log.back().status == 503; },
                           absl::Seconds(60)));
  const v1::SubscriptionStatus disabled = m.hooks->Status("sent-only");
  CHECK(disabled.subscription().disabled());
  CHECK(disabled.queued() == 0);
  CHECK(disabled.delivered() == 5);
  CHECK(m.hooks->Status("taken-up").queued() == 1);

  v1::DeleteSubscriptionRequest del;
  del.set_name("taken-up");
  v1::DeleteSubscriptionResponse deleted;
  REQUIRE(m.hooks->stub().DeleteSubscription(Context().get(), del, &deleted).ok());
  CHECK(deleted.dropped() == 1);
  CHECK(m.hooks->stub().DeleteSubscription(Context().get(), del, &deleted).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  v1::ListSubscriptionsResponse listed;
  REQUIRE(m.hooks->stub().ListSubscriptions(Context().get(), {}, &listed).ok());
  for (const auto& s : listed.subscriptions()) CHECK(s.subscription().name() != "taken-up");
  const size_t taken_posts = taken_up.Log().size();
  // Another event through the batched subscription: by then a retry of the dropped webhook
  // (100-500 ms back-off) would have come.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const int64_t last =
      m.client->Push(v1::QUEUE_BATCH, Email("WH_BATCH", "bt-last@example.com", "bt-last"));
  REQUIRE(m.client->WaitFinal(last).status() == v1::EVENT_STATUS_SENT);
  REQUIRE(
      batched.WaitFor([&](const auto& log) { return items(log).size() >= 9; }, absl::Seconds(60)));
  CHECK(taken_up.Log().size() == taken_posts);
  CHECK(sent_only.Log().size() == 5);
}

TEST_CASE("a failing endpoint is paused, keeps queueing, and gets everything once resumed") {
  Instance i = StartInstance("webhooks_pause",
                             {"--start_workflows", "--webhook_allow_private_networks",
                              "--webhook_allow_http", "--webhook_retry_base_ms=100",
                              "--webhook_retry_cap_ms=300", "--webhook_pause_after_seconds=1"});
  REQUIRE(i.client->Publish(EmailTemplate("mail_pause", "WH_PAUSE")).ok());
  {
    v1::InitializeInstanceRequest init;
    init.set_instance_id("wh-pause-1");
    v1::InstanceInfo info;
    REQUIRE(v1::InstanceService::NewStub(Channel(i.service->address()))
                ->InitializeInstance(Context().get(), init, &info)
                .ok());
  }
  std::atomic<bool> down{true};
  Receiver receiver(
      [&down](int64_t, const WebhookSink::Request&) { return down.load() ? 503 : 200; });
  const TestSecret secret = NewTestSecret();
  REQUIRE(i.hooks->Put(Subscription("pausing", receiver.url("/pausing"), {}, {{secret.value, {}}}))
              .ok());
  std::vector<int64_t> ids = {
      i.client->Push(v1::QUEUE_REAL_TIME, Email("WH_PAUSE", "p0@example.com", "p-0"))};
  REQUIRE(i.client->WaitFinal(ids[0]).status() == v1::EVENT_STATUS_SENT);

  v1::SubscriptionStatus st = i.hooks->WaitStatus(
      "pausing", [](const auto& s) { return s.state() == v1::SUBSCRIPTION_STATE_PAUSED_FAILING; },
      absl::Seconds(60));
  REQUIRE(st.state() == v1::SUBSCRIPTION_STATE_PAUSED_FAILING);
  CHECK(st.has_failing_since());
  CHECK(absl::StrContains(st.last_error(), "503"));
  CHECK(st.queued() == 1);
  const size_t posts_when_paused = receiver.Log().size();
  CHECK(posts_when_paused >= 2);  // it was tried again before being paused

  // Paused: new events keep queueing, nothing is posted.
  for (int n = 1; n <= 4; ++n) {
    ids.push_back(i.client->Push(
        v1::QUEUE_REAL_TIME,
        Email("WH_PAUSE", absl::StrCat("p", n, "@example.com"), absl::StrCat("p-", n))));
  }
  for (int64_t id : ids) REQUIRE(i.client->WaitFinal(id).status() == v1::EVENT_STATUS_SENT);
  st = i.hooks->WaitStatus(
      "pausing", [](const auto& s) { return s.queued() == 5; }, absl::Seconds(30));
  CHECK(st.queued() == 5);
  CHECK(st.state() == v1::SUBSCRIPTION_STATE_PAUSED_FAILING);
  // Several retry periods (100-300 ms) later, still nothing posted.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  CHECK(receiver.Log().size() == posts_when_paused);
  CHECK(i.hooks->Status("pausing").queued() == 5);

  // Resumed with the receiver back: every webhook arrives, none lost.
  down = false;
  v1::ResumeSubscriptionRequest resume;
  resume.set_name("pausing");
  v1::SubscriptionStatus resumed;
  REQUIRE(i.hooks->stub().ResumeSubscription(Context().get(), resume, &resumed).ok());
  CHECK(resumed.state() == v1::SUBSCRIPTION_STATE_ACTIVE);
  CHECK_FALSE(resumed.has_failing_since());
  REQUIRE(receiver.WaitFor(DeliveredAtLeast(5), absl::Seconds(60)));
  st = i.hooks->WaitStatus(
      "pausing", [](const auto& s) { return s.delivered() == 5 && s.queued() == 0; },
      absl::Seconds(30));
  CHECK(st.delivered() == 5);
  CHECK(st.queued() == 0);
  CHECK(st.failed() == 0);
  CHECK(st.state() == v1::SUBSCRIPTION_STATE_ACTIVE);
  std::set<int64_t> got;
  for (const auto& a : receiver.Log()) {
    CHECK(SignedWith(secret.key, a.request));
    CHECK(Payload(a.request).data().instance_id() == "wh-pause-1");
    if (a.status == 200) got.insert(Payload(a.request).data().event_id());
  }
  CHECK(got == std::set<int64_t>(ids.begin(), ids.end()));
  v1::ResumeSubscriptionRequest unknown;
  unknown.set_name("no-such");
  CHECK(i.hooks->stub().ResumeSubscription(Context().get(), unknown, &resumed).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  CHECK(i.service->Terminate() == 0);
}

TEST_CASE("without the allow flags, loopback, private and http URLs are refused") {
  Instance i = StartInstance("webhooks_safe", {});
  const TestSecret secret = NewTestSecret();
  auto put = [&](const std::string& url) {
    return i.hooks->Put(Subscription("safe", url, {}, {{secret.value, {}}}));
  };
  for (const std::string url :
       {"https://127.0.0.1:8443/hook", "https://localhost/hook", "https://10.1.2.3/hook",
        "https://[::1]/hook", "https://[::ffff:127.0.0.1]/hook", "https://169.254.169.254/x"}) {
    INFO(url);
    const grpc::Status s = put(url);
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(absl::StartsWith(s.error_message(), "subscription.url: "));
    CHECK(absl::StrContains(s.error_message(), "--webhook_allow_private_networks"));
  }
  // http is refused before the host is even looked at.
  for (const std::string url : {"http://93.184.216.34/hook", "http://127.0.0.1:8080/hook"}) {
    INFO(url);
    const grpc::Status s = put(url);
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(absl::StartsWith(s.error_message(), "subscription.url: http is not allowed"));
    CHECK(absl::StrContains(s.error_message(), "--webhook_allow_http"));
  }
  // Other fields are named too.
  const grpc::Status bad_secret =
      i.hooks->Put(Subscription("safe", "https://93.184.216.34/hook", {}, {{"nope", {}}}));
  CHECK(bad_secret.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(absl::StartsWith(bad_secret.error_message(), "subscription.secrets[0]: "));
  CHECK_FALSE(absl::StrContains(bad_secret.error_message(), "nope"));
  v1::ListSubscriptionsResponse listed;
  REQUIRE(i.hooks->stub().ListSubscriptions(Context().get(), {}, &listed).ok());
  CHECK(listed.subscriptions_size() == 0);
  CHECK(i.service->Terminate() == 0);
}

}  // namespace
}  // namespace mc::e2e
