#include "execution-service/outbox/webhook_metrics.h"

namespace mc::execution {

WebhookMetrics::WebhookMetrics(prometheus::Registry& registry)
    // From 5 ms (a receiver on the same network) to an hour of retries.
    : buckets_({0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60, 300, 3600}),
      queued_(prometheus::BuildGauge()
                  .Name("mc_webhooks_queued")
                  .Help("Status webhooks waiting to be sent, due or backing off (sampled)")
                  .Register(registry)),
      sent_(prometheus::BuildCounter()
                .Name("mc_webhooks_sent_total")
                .Help("Status webhooks delivered (the receiver answered 2xx)")
                .Register(registry)),
      failed_(prometheus::BuildCounter()
                  .Name("mc_webhooks_failed_total")
                  .Help("Failed webhook POSTs by class (4xx, 5xx, 429, 408, timeout, refused, "
                        "dns, tls, other)")
                  .Register(registry)),
      given_up_(prometheus::BuildCounter()
                    .Name("mc_webhooks_given_up_total")
                    .Help("Status webhooks made final without a 2xx (a final 4xx, or retried "
                          "past the retry age)")
                    .Register(registry)),
      latency_(prometheus::BuildHistogram()
                   .Name("mc_webhook_latency_seconds")
                   .Help("From an event's status change to its webhook's 2xx")
                   .Register(registry)) {}

void WebhookMetrics::SetQueued(const std::string& subscription, int64_t n) {
  queued_.Add({{"subscription", subscription}}).Set(static_cast<double>(n));
}

void WebhookMetrics::Sent(const std::string& subscription, absl::Duration since_change) {
  sent_.Add({{"subscription", subscription}}).Increment();
  latency_.Add({{"subscription", subscription}}, buckets_)
      .Observe(std::max(0.0, absl::ToDoubleSeconds(since_change)));
}

void WebhookMetrics::Failed(const std::string& subscription, const std::string& error_class) {
  failed_.Add({{"subscription", subscription}, {"class", error_class}}).Increment();
}

void WebhookMetrics::GivenUp(const std::string& subscription) {
  given_up_.Add({{"subscription", subscription}}).Increment();
}

}  // namespace mc::execution
