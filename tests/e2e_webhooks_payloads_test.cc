// End to end, status webhooks (ctest e2e_webhooks_test, fixture tests/webhooks_e2e_fixture.h):
// every final status and every retried attempt posted validly signed (this test's own
// HMAC-SHA256), every body checked against GetEvent, the event's stored row and what the SMTP
// sink and the SMS provider received.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/support/webhook_check.h"
#include "tests/webhooks_e2e_fixture.h"

namespace mc::e2e::webhooks_e2e {
namespace {
namespace v1 = messagecenter::v1;
using sinks::WebhookSink;

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

}  // namespace
}  // namespace mc::e2e::webhooks_e2e
