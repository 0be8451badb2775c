#include "execution-service/outbox/webhook_delivery.h"

#include <algorithm>
#include <map>
#include <thread>

namespace mc::execution {
namespace {

// One endpoint's webhooks of a run, split by event into shares sent at once.
struct EndpointWork {
  const WebhookEndpoint* endpoint = nullptr;
  std::vector<std::vector<WebhookChange>> shares;
  std::vector<std::vector<DispatchOutcome>> outcomes;  // one per share
};

}  // namespace

WebhookDelivery::WebhookDelivery(OutboxStore& store, WebhookDispatch& dispatch,
                                 WebhookDeliveryOptions options, LocalSignal& wake,
                                 WebhookMetrics& metrics, log::Logger& logger)
    : store_(store),
      dispatch_(dispatch),
      options_(options),
      wake_(wake),
      metrics_(metrics),
      logger_(logger) {}

absl::StatusOr<JobRun> WebhookDelivery::RunOnce() {
  absl::StatusOr<std::vector<WebhookEndpoint>> endpoints = store_.Endpoints();
  if (!endpoints.ok()) return endpoints.status();
  absl::StatusOr<std::vector<ClaimedWebhook>> claimed =
      store_.Claim(options_.batch_size, options_.lease);
  if (!claimed.ok()) return claimed.status();
  if (claimed->empty()) return JobRun{};

  std::map<std::string, const WebhookEndpoint*> by_name;
  for (const WebhookEndpoint& e : *endpoints) by_name[e.subscription] = &e;
  const int shares = std::max(1, options_.endpoint_concurrency);
  std::map<std::string, EndpointWork> work;
  std::vector<WebhookResult> results;
  for (ClaimedWebhook& c : *claimed) {
    auto it = by_name.find(c.subscription);
    if (it == by_name.end()) {
      // Deleted or disabled since it was queued: not sent now.
      results.push_back({.event_id = c.change.event_id,
                         .outbox_id = c.change.outbox_id,
                         .kind = WebhookResult::Kind::kHeld,
                         .delay = absl::Minutes(1)});
      continue;
    }
    EndpointWork& w = work[c.subscription];
    w.endpoint = it->second;
    if (w.shares.empty()) w.shares.resize(shares);
    w.shares[static_cast<size_t>(c.change.event_id % shares)].push_back(std::move(c.change));
  }

  std::vector<std::thread> threads;
  for (auto& [name, w] : work) {
    w.outcomes.resize(w.shares.size());
    for (size_t i = 0; i < w.shares.size(); ++i) {
      if (w.shares[i].empty()) continue;
      threads.emplace_back(
          [this, &w, i] { w.outcomes[i] = dispatch_.Send(*w.endpoint, w.shares[i]); });
    }
  }
  for (std::thread& t : threads) t.join();

  const absl::Time now = absl::Now();
  std::vector<EndpointResult> endpoint_results;
  for (auto& [name, w] : work) {
    EndpointResult e{.subscription = name};
    std::map<int64_t, absl::Time> changed;
    for (const auto& share : w.shares) {
      for (const WebhookChange& c : share) changed[c.outbox_id] = c.changed_at;
    }
    for (const auto& share : w.outcomes) {
      for (const DispatchOutcome& o : share) {
        switch (o.result.kind) {
          case WebhookResult::Kind::kDelivered:
            e.succeeded = true;
            metrics_.Sent(name, now - changed[o.result.outbox_id]);
            break;
          case WebhookResult::Kind::kGiveUp:
            metrics_.GivenUp(name);
            [[fallthrough]];
          case WebhookResult::Kind::kRetry:
            e.failed = true;
            e.last_error = o.result.error;
            if (!o.error_class.empty()) metrics_.Failed(name, o.error_class);
            break;
          case WebhookResult::Kind::kHeld:
            break;
        }
        results.push_back(o.result);
      }
    }
    endpoint_results.push_back(std::move(e));
  }
  if (absl::Status s = store_.Record(results, endpoint_results, options_.pause_after); !s.ok()) {
    return s;
  }
  // At most one line a minute per failing endpoint: a receiver down for hours is no log flood.
  for (const EndpointResult& e : endpoint_results) {
    if (!e.failed || e.succeeded) continue;
    absl::Time& last = warned_[e.subscription];
    if (now - last < absl::Minutes(1)) continue;
    last = now;
    logger_.Warn("webhook endpoint failing",
                 {{"subscription", e.subscription}, {"error", e.last_error}});
  }
  return JobRun{.processed = static_cast<int64_t>(claimed->size()),
                .more = static_cast<int>(claimed->size()) >= options_.batch_size};
}

}  // namespace mc::execution
