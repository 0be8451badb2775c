// End to end, status webhooks (ctest e2e_webhooks_test, fixture tests/webhooks_e2e_fixture.h):
// what a subscription is made of and goes through: its secrets rotated; batched, filtered by
// status, disabled and deleted; paused while its endpoint fails and resumed; and the URLs it is
// refused without the allow flags (instances of their own for the last two).
#include <google/protobuf/util/json_util.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "messagecenter/v1/instance.grpc.pb.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/webhook_check.h"
#include "tests/webhooks_e2e_fixture.h"

namespace mc::e2e::webhooks_e2e {
namespace {
namespace v1 = messagecenter::v1;
using sinks::WebhookSink;

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
}  // namespace mc::e2e::webhooks_e2e
