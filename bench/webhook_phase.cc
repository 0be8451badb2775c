#include "bench/webhook_phase.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/bulk_push.h"
#include "bench/pusher.h"
#include "bench/ratio_spread.h"
#include "common/sinks/webhook_sink.h"
#include "common/webhook_receiver/webhook_receiver.h"
#include "common/webhook_receiver/webhook_signature.h"
#include "messagecenter/v1/webhooks.grpc.pb.h"

namespace mc::bench {
namespace {
namespace v1 = messagecenter::v1;
using webhook_receiver::WebhookReceiver;

constexpr char kSubscription[] = "bench";
constexpr int64_t kFirstN = 4000000000LL;  // event numbers apart from the other phases'

// The subscription, as the control instance would publish it.
class Subscription {
 public:
  Subscription(const WebhookPhaseTarget& t, std::string url, std::string secret, int max_batch)
      : token_(t.control_token),
        url_(std::move(url)),
        secret_(std::move(secret)),
        max_batch_(max_batch),
        stub_(v1::WebhookService::NewStub(
            grpc::CreateChannel(t.address, grpc::InsecureChannelCredentials()))) {}

  bool Put() {
    v1::PutSubscriptionRequest req;
    v1::WebhookSubscription* s = req.mutable_subscription();
    s->set_name(kSubscription);
    s->set_url(url_);  // no statuses: every final status
    s->set_max_batch(max_batch_);
    s->add_secrets()->set_value(secret_);
    s->set_version(++version_);
    v1::SubscriptionStatus out;
    grpc::Status st = stub_->PutSubscription(Ctx().get(), req, &out);
    if (!st.ok()) std::printf("PutSubscription: %s\n", st.error_message().c_str());
    return st.ok();
  }

  // Waits until the instance has recorded every webhook of the subscription as delivered
  // (the receiver reads a POST before the instance records its answer), then deletes it. False
  // when a call failed, webhooks stayed queued for a minute or were given up, or the instance
  // counts delivered webhooks other than received() (those the receiver took since the Put).
  bool Delete(const std::function<int64_t()>& received) {
    v1::SubscriptionStatus held;
    const absl::Time deadline = absl::Now() + absl::Minutes(1);
    for (;;) {
      v1::ListSubscriptionsResponse listed;
      grpc::Status st =
          stub_->ListSubscriptions(Ctx().get(), v1::ListSubscriptionsRequest(), &listed);
      if (!st.ok()) {
        std::printf("ListSubscriptions: %s\n", st.error_message().c_str());
        return false;
      }
      for (const v1::SubscriptionStatus& s : listed.subscriptions()) {
        if (s.subscription().name() == kSubscription) held = s;
      }
      if (held.queued() == 0 || absl::Now() > deadline) break;
      absl::SleepFor(absl::Milliseconds(20));
    }
    v1::DeleteSubscriptionRequest req;
    req.set_name(kSubscription);
    v1::DeleteSubscriptionResponse out;
    grpc::Status st = stub_->DeleteSubscription(Ctx().get(), req, &out);
    if (!st.ok()) {
      std::printf("DeleteSubscription: %s\n", st.error_message().c_str());
      return false;
    }
    const int64_t took = received();
    if (held.queued() != 0 || held.failed() != 0 || held.delivered() != took ||
        out.dropped() != 0) {
      std::printf(
          "COUNT MISMATCH: the instance counts %lld webhooks delivered (the receiver took %lld), "
          "%lld given up, %lld still queued\n",
          static_cast<long long>(held.delivered()), static_cast<long long>(took),
          static_cast<long long>(held.failed()), static_cast<long long>(held.queued()));
      return false;
    }
    return true;
  }

 private:
  std::unique_ptr<grpc::ClientContext> Ctx() const {
    auto c = std::make_unique<grpc::ClientContext>();
    c->AddMetadata("authorization", "Bearer " + token_);
    return c;
  }

  const std::string token_, url_, secret_;
  const int max_batch_;
  std::unique_ptr<v1::WebhookService::Stub> stub_;
  int version_ = 0;
};

// Until the receiver has `target` distinct webhooks; false after a minute without a new one.
bool WaitForWebhooks(const WebhookReceiver& receiver, int64_t target) {
  int64_t last = receiver.unique();
  absl::Time last_progress = absl::Now();
  while (receiver.unique() < target) {
    if (const int64_t n = receiver.unique(); n != last) {
      last = n;
      last_progress = absl::Now();
    }
    if (absl::Now() - last_progress > absl::Seconds(60)) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

struct Measurement {
  double rate = 0;  // events/s
  bool ok = false;
};

// One (a) (webhooks false) or (a') measurement.
Measurement Measure(const WebhookPhaseTarget& t, const WebhookPhaseOptions& o,
                    Subscription& subscription, WebhookReceiver& receiver, int round,
                    bool webhooks) {
  SettleDatabase(t.dsn);
  Measurement m;
  if (webhooks && !subscription.Put()) return m;
  const BulkPush load = BuildBulkPush(t.make_event, o.events, o.streams, o.batch,
                                      kFirstN + (2LL * round + (webhooks ? 1 : 0)) * o.events);
  const int64_t sent_before = CountSent(t.dsn, t.schema);
  const size_t mails_before = t.mails();
  const webhook_receiver::ReceiverCounts before = receiver.counts();

  const BulkPushResult pushed = PushBulk(t.address, t.token, load);
  bool done;
  absl::Time end;
  if (webhooks) {
    done = WaitForWebhooks(receiver, before.unique + pushed.accepted);
    end = receiver.counts().last_new;  // when the last one was read, not when we looked
  } else {
    done = WaitAllSent(t.dsn, t.schema, t.mails);
    end = absl::Now();
  }
  const double seconds = absl::ToDoubleSeconds(end - pushed.start);
  const webhook_receiver::ReceiverCounts after = receiver.counts();
  const int64_t sent = CountSent(t.dsn, t.schema) - sent_before;
  const int64_t mails = static_cast<int64_t>(t.mails() - mails_before);
  const int64_t received = after.unique - before.unique;
  m.rate = static_cast<double>(pushed.accepted) / seconds;
  if (!done) {
    std::printf("(w) round %d %s did not finish: nothing new for a minute\n", round + 1,
                webhooks ? "(a') push -> webhook received" : "(a)  push -> Sent");
  } else if (webhooks) {
    std::printf(
        "(w) round %d (a') push -> webhook received: %lld events in %.2f s: %.0f events/s "
        "(pushing took %.2f s; %lld webhooks in %lld POSTs)\n",
        round + 1, static_cast<long long>(pushed.accepted), seconds, m.rate,
        absl::ToDoubleSeconds(pushed.pushed - pushed.start), static_cast<long long>(received),
        static_cast<long long>(after.posts - before.posts));
  } else {
    std::printf(
        "(w) round %d (a)  push -> Sent:             %lld events in %.2f s: %.0f events/s "
        "(pushing took %.2f s)\n",
        round + 1, static_cast<long long>(pushed.accepted), seconds, m.rate,
        absl::ToDoubleSeconds(pushed.pushed - pushed.start));
  }
  m.ok = done && pushed.failed == 0 && pushed.accepted == load.events && sent == load.events &&
         mails == load.events && received == (webhooks ? load.events : 0);
  if (!m.ok) {
    std::printf(
        "COUNT MISMATCH: %lld pushed (%lld failed), %lld Sent, %lld mails, %lld webhooks; "
        "expected %lld of each%s\n",
        static_cast<long long>(pushed.accepted), static_cast<long long>(pushed.failed),
        static_cast<long long>(sent), static_cast<long long>(mails),
        static_cast<long long>(received), static_cast<long long>(load.events),
        webhooks ? "" : " (no webhook)");
  }
  if (webhooks && !subscription.Delete([&] { return receiver.unique() - before.unique; })) {
    m.ok = false;
  }
  std::fflush(stdout);
  return m;
}

}  // namespace

bool RunWebhookPhase(const WebhookPhaseTarget& t, const WebhookPhaseOptions& o) {
  absl::StatusOr<std::unique_ptr<sinks::WebhookSink>> sink =
      sinks::WebhookSink::Start({.keep_requests = false});
  if (!sink.ok()) {
    std::printf("(w) cannot start the webhook receiver: %s\n",
                std::string(sink.status().message()).c_str());
    return false;
  }
  const std::string key = webhook_receiver::NewWebhookKey();
  WebhookReceiver receiver({.key = key, .keep_latencies = true});
  receiver.Attach(**sink);
  Subscription subscription(t, (*sink)->url("/webhooks"), webhook_receiver::WebhookSecretOf(key),
                            o.max_batch);
  std::printf(
      "(w) webhooks: a subscription for every final status, max_batch %d, to the bench's receiver "
      "on loopback (%s), every signature checked (OpenSSL HMAC-SHA256); %d round(s) of (a) and "
      "(a') of %d events\n",
      o.max_batch, (*sink)->url("/webhooks").c_str(), o.rounds, o.events);
  std::fflush(stdout);

  bool ok = true;
  std::vector<double> base, hooked;
  for (int round = 0; round < o.rounds; ++round) {
    for (const bool webhooks : {round % 2 == 1, round % 2 == 0}) {
      const Measurement m = Measure(t, o, subscription, receiver, round, webhooks);
      ok = ok && m.ok;
      (webhooks ? hooked : base).push_back(m.rate);
    }
  }
  if (o.rounds == 0) {
    // Only the paced run.
  } else if (ok) {
    std::printf(
        "(w) ratio (a')/(a): %.2f (goal >= 0.8): median (a') %.0f events/s over median (a) %.0f "
        "events/s, %d round(s)\n",
        Median(hooked) / Median(base), Median(hooked), Median(base), o.rounds);
  } else {
    std::printf("(w) ratio (a')/(a): none, a measurement did not complete\n");
  }
  std::fflush(stdout);

  // The paced run: latency of each webhook at a steady rate.
  if (o.rounds > 0) SettleDatabase(t.dsn);
  (void)receiver.TakeLatencies();
  if (!subscription.Put()) return false;
  const int64_t unique_before = receiver.unique();
  Pusher push({.address = t.address, .token = t.token, .make_event = t.make_event},
              {.streams = o.streams,
               .batch = o.paced_batch,
               .rate = o.rate,
               .until = absl::Now() + absl::Seconds(o.seconds),
               .first_n = kFirstN + 2LL * o.rounds * o.events});
  push.Join();
  const double push_seconds = absl::ToDoubleSeconds(absl::Now() - push.start());
  const bool all = WaitForWebhooks(receiver, unique_before + push.acked());
  std::vector<double> ms;
  for (absl::Duration d : receiver.TakeLatencies()) ms.push_back(absl::ToDoubleMilliseconds(d));
  std::printf(
      "(w) paced %d events/s for %d s (achieved %.0f/s, %d streams of %d): status change -> "
      "webhook received: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%zu of %lld webhooks)\n"
      "    from the start of the PostgreSQL transaction that made the event Sent (its now(), the "
      "payload's timestamp) to the receiver having read the POST; one machine, one clock\n",
      o.rate, o.seconds, static_cast<double>(push.acked()) / push_seconds, o.streams, o.paced_batch,
      Percentile(ms, 0.5), Percentile(ms, 0.99), Percentile(ms, 1.0), ms.size(),
      static_cast<long long>(push.acked()));
  if (!all || push.failed() != 0 || static_cast<int64_t>(ms.size()) != push.acked()) {
    std::printf("COUNT MISMATCH: %zu webhooks for %lld events pushed (%lld failed)\n", ms.size(),
                static_cast<long long>(push.acked()), static_cast<long long>(push.failed()));
    ok = false;
  }
  if (!subscription.Delete([&] { return receiver.unique() - unique_before; })) ok = false;

  const webhook_receiver::ReceiverCounts c = receiver.counts();
  std::string statuses;
  for (const auto& [status, n] : c.by_status) {
    absl::StrAppend(&statuses, statuses.empty() ? "" : ", ",
                    v1::EventStatus_Name(static_cast<v1::EventStatus>(status)), " ", n);
  }
  std::printf(
      "(w) receiver: %lld webhooks in %lld POSTs (%.1f per POST); duplicates %lld; signature "
      "failures %lld (must be 0); bodies refused %lld; statuses: %s; its CPU %.1f us per webhook "
      "(signature check + JSON parse)\n",
      static_cast<long long>(c.webhooks), static_cast<long long>(c.posts),
      c.posts > 0 ? static_cast<double>(c.webhooks) / static_cast<double>(c.posts) : 0.0,
      static_cast<long long>(c.duplicates), static_cast<long long>(c.bad_signatures),
      static_cast<long long>(c.unparsable), statuses.empty() ? "none" : statuses.c_str(),
      c.webhooks > 0 ? absl::ToDoubleMicroseconds(c.cpu) / static_cast<double>(c.webhooks) : 0.0);
  if (!c.last_error.empty()) std::printf("(w) receiver's last refusal: %s\n", c.last_error.c_str());
  const int64_t sent_status =
      c.by_status.count(v1::EVENT_STATUS_SENT) > 0 ? c.by_status.at(v1::EVENT_STATUS_SENT) : 0;
  if (c.duplicates != 0 || c.bad_signatures != 0 || c.unparsable != 0 || sent_status != c.unique) {
    std::printf("COUNT MISMATCH: duplicates, refused webhooks or a status other than Sent\n");
    ok = false;
  }
  std::fflush(stdout);
  return ok;
}

}  // namespace mc::bench
