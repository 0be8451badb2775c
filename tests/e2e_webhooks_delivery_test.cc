// End to end, status webhooks (ctest e2e_webhooks_test, fixture tests/webhooks_e2e_fixture.h):
// delivery to a receiver that fails: retried after a 500 in order and under the same ids, given
// up after a 410; and webhooks replayed on demand, by id or since a time.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <utility>
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

}  // namespace
}  // namespace mc::e2e::webhooks_e2e
