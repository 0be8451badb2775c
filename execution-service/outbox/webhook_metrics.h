// WebhookMetrics: the Prometheus families of status webhooks, registered in the process's
// registry:
//   mc_webhooks_queued{subscription}             webhooks waiting (due or backing off; sampled)
//   mc_webhooks_sent_total{subscription}         webhooks delivered (a 2xx)
//   mc_webhooks_failed_total{subscription,class} failed POSTs by class: 4xx, 5xx, 429, 408,
//                                                timeout, refused, dns, tls, other (a retried
//                                                webhook counts at each failure)
//   mc_webhooks_given_up_total{subscription}     webhooks final without a 2xx
//   mc_webhook_latency_seconds{subscription}     status change -> its webhook's 2xx
// Label sets are made on first use (subscriptions come and go).
// Failure modes: none. Thread-safe.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>

#include "absl/time/time.h"

namespace mc::execution {

class WebhookMetrics {
 public:
  explicit WebhookMetrics(prometheus::Registry& registry);

  void SetQueued(const std::string& subscription, int64_t n);
  void Sent(const std::string& subscription, absl::Duration since_change);
  void Failed(const std::string& subscription, const std::string& error_class);
  void GivenUp(const std::string& subscription);

 private:
  const prometheus::Histogram::BucketBoundaries buckets_;
  prometheus::Family<prometheus::Gauge>& queued_;
  prometheus::Family<prometheus::Counter>& sent_;
  prometheus::Family<prometheus::Counter>& failed_;
  prometheus::Family<prometheus::Counter>& given_up_;
  prometheus::Family<prometheus::Histogram>& latency_;
};

}  // namespace mc::execution
