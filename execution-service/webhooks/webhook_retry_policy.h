// The retry rules of status webhooks, as pure functions:
//  - ClassifyHttpResult: an answer or its absence -> Delivered (2xx), Retry (5xx, 429, 408, a
//    timeout, a refused connection, a DNS failure, any other transport failure, TLS included)
//    or GiveUp (3xx: redirects are not followed; every other 4xx, e.g. 410 Gone: final for that
//    webhook), with the class label of the metrics: "2xx", "3xx", "4xx", "5xx", "429", "408",
//    "timeout", "refused", "dns", "tls", "other". A status wins over a transport error that
//    came after it (a 200 whose body was cut off is Delivered). 1xx and other odd statuses are
//    Retry, "other".
//  - BackoffDelay: exponential with full jitter: uniform in [0, min(cap, base * 2^failures)),
//    `failures` being the POSTs that failed before this one; `random01` in [0, 1) is the
//    caller's random draw (injected, so tests choose it).
//  - RetryAgeExceeded: a webhook whose first failed POST is more than max_retry_age ago is
//    given up (the failure being decided now counts as the first when there was none).
// Failure modes: none. Pure, thread-safe.
#pragma once

#include <optional>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "execution-service/webhooks/webhook_transport.h"

namespace mc::execution {

enum class WebhookOutcomeKind { kDelivered, kRetry, kGiveUp };
absl::string_view WebhookOutcomeKindName(WebhookOutcomeKind kind);  // "delivered", ...

struct HttpClassification {
  WebhookOutcomeKind kind = WebhookOutcomeKind::kRetry;
  absl::string_view label;  // the metric class label
};
HttpClassification ClassifyHttpResult(const HttpResult& result);

absl::Duration BackoffDelay(int failures, absl::Duration base, absl::Duration cap, double random01);

bool RetryAgeExceeded(std::optional<absl::Time> first_failed_at, absl::Time now,
                      absl::Duration max_retry_age);

}  // namespace mc::execution
