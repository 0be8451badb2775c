#include "execution-service/webhooks/webhook_retry_policy.h"

#include <algorithm>

namespace mc::execution {

absl::string_view WebhookOutcomeKindName(WebhookOutcomeKind kind) {
  switch (kind) {
    case WebhookOutcomeKind::kDelivered:
      return "delivered";
    case WebhookOutcomeKind::kRetry:
      return "retry";
    case WebhookOutcomeKind::kGiveUp:
      return "give_up";
  }
  return "retry";
}

HttpClassification ClassifyHttpResult(const HttpResult& r) {
  using K = WebhookOutcomeKind;
  const int s = r.status;
  if (s >= 200 && s <= 299) return {K::kDelivered, "2xx"};
  if (s == 429) return {K::kRetry, "429"};
  if (s == 408) return {K::kRetry, "408"};
  if (s >= 500 && s <= 599) return {K::kRetry, "5xx"};
  if (s >= 400 && s <= 499) return {K::kGiveUp, "4xx"};
  if (s >= 300 && s <= 399) return {K::kGiveUp, "3xx"};
  if (s != 0) return {K::kRetry, "other"};
  switch (r.error) {
    case HttpErrorClass::kTimeout:
      return {K::kRetry, "timeout"};
    case HttpErrorClass::kConnectRefused:
      return {K::kRetry, "refused"};
    case HttpErrorClass::kDns:
      return {K::kRetry, "dns"};
    case HttpErrorClass::kTls:
      return {K::kRetry, "tls"};
    case HttpErrorClass::kNone:  // no status and no error: nothing usable came back
    case HttpErrorClass::kOther:
      return {K::kRetry, "other"};
  }
  return {K::kRetry, "other"};
}

absl::Duration BackoffDelay(int failures, absl::Duration base, absl::Duration cap,
                            double random01) {
  if (base <= absl::ZeroDuration() || cap <= absl::ZeroDuration()) return absl::ZeroDuration();
  absl::Duration ceiling = std::min(base, cap);
  for (int i = 0; i < failures && ceiling < cap; ++i) ceiling = std::min(ceiling * 2, cap);
  const double r = std::clamp(random01, 0.0, 1.0);
  return std::min(ceiling * r, ceiling);
}

bool RetryAgeExceeded(std::optional<absl::Time> first_failed_at, absl::Time now,
                      absl::Duration max_retry_age) {
  return now - first_failed_at.value_or(now) > max_retry_age;
}

}  // namespace mc::execution
