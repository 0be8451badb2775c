// The retry policy, table by table: every answer class, the backoff's growth, cap and jitter,
// and the retry age.
#include "execution-service/webhooks/webhook_retry_policy.h"

#include <catch2/catch.hpp>

namespace mc::execution {
namespace {

HttpResult Status(int status, HttpErrorClass error = HttpErrorClass::kNone) {
  HttpResult r;
  r.status = status;
  r.error = error;
  return r;
}

TEST_CASE("each answer is delivered, retried or given up, with its class label") {
  using K = WebhookOutcomeKind;
  using E = HttpErrorClass;
  struct Row {
    HttpResult result;
    WebhookOutcomeKind kind;
    const char* label;
  };
  const Row rows[] = {
      {Status(200), K::kDelivered, "2xx"},
      {Status(201), K::kDelivered, "2xx"},
      {Status(204), K::kDelivered, "2xx"},
      {Status(299), K::kDelivered, "2xx"},
      // A status wins over a transport error after it: the receiver did answer 200.
      {Status(200, E::kTimeout), K::kDelivered, "2xx"},
      {Status(500), K::kRetry, "5xx"},
      {Status(502), K::kRetry, "5xx"},
      {Status(503), K::kRetry, "5xx"},
      {Status(599), K::kRetry, "5xx"},
      {Status(429), K::kRetry, "429"},
      {Status(408), K::kRetry, "408"},
      {Status(400), K::kGiveUp, "4xx"},
      {Status(401), K::kGiveUp, "4xx"},
      {Status(404), K::kGiveUp, "4xx"},
      {Status(410), K::kGiveUp, "4xx"},
      {Status(499), K::kGiveUp, "4xx"},
      {Status(301), K::kGiveUp, "3xx"},
      {Status(302), K::kGiveUp, "3xx"},
      {Status(308), K::kGiveUp, "3xx"},
      {Status(100), K::kRetry, "other"},
      {Status(600), K::kRetry, "other"},
      {Status(0, E::kTimeout), K::kRetry, "timeout"},
      {Status(0, E::kConnectRefused), K::kRetry, "refused"},
      {Status(0, E::kDns), K::kRetry, "dns"},
      {Status(0, E::kTls), K::kRetry, "tls"},
      {Status(0, E::kOther), K::kRetry, "other"},
      {Status(0, E::kNone), K::kRetry, "other"},
  };
  for (const Row& row : rows) {
    INFO(row.result.status << " " << HttpErrorClassName(row.result.error));
    const HttpClassification c = ClassifyHttpResult(row.result);
    CHECK(c.kind == row.kind);
    CHECK(c.label == row.label);
  }
  CHECK(WebhookOutcomeKindName(K::kDelivered) == "delivered");
  CHECK(WebhookOutcomeKindName(K::kRetry) == "retry");
  CHECK(WebhookOutcomeKindName(K::kGiveUp) == "give_up");
}

TEST_CASE("the backoff doubles from base to cap, and the jitter spreads it over [0, ceiling]") {
  const absl::Duration base = absl::Seconds(5), cap = absl::Minutes(10);
  struct Row {
    int failures;
    double random;
    absl::Duration delay;
  };
  const Row rows[] = {
      {0, 1.0, absl::Seconds(5)},        {1, 1.0, absl::Seconds(10)},
      {2, 1.0, absl::Seconds(20)},       {3, 1.0, absl::Seconds(40)},
      {6, 1.0, absl::Seconds(320)},      {7, 1.0, absl::Minutes(10)},  // capped
      {1000000, 1.0, absl::Minutes(10)}, {0, 0.0, absl::ZeroDuration()},
      {3, 0.5, absl::Seconds(20)},       {3, 0.25, absl::Seconds(10)},
      {7, 0.5, absl::Minutes(5)},        {-1, 1.0, absl::Seconds(5)},
      {3, 7.0, absl::Seconds(40)},       {3, -1.0, absl::ZeroDuration()},
  };
  for (const Row& row : rows) {
    INFO(row.failures << " " << row.random);
    CHECK(BackoffDelay(row.failures, base, cap, row.random) == row.delay);
  }
  // A base above the cap is the cap; no base, no delay.
  CHECK(BackoffDelay(0, absl::Hours(2), absl::Hours(1), 1.0) == absl::Hours(1));
  CHECK(BackoffDelay(4, absl::ZeroDuration(), cap, 1.0) == absl::ZeroDuration());
}

TEST_CASE("a webhook failing for longer than max_retry_age is given up") {
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  const absl::Duration day = absl::Hours(24);
  CHECK(!RetryAgeExceeded(std::nullopt, now, day));  // this failure is the first
  CHECK(!RetryAgeExceeded(now - absl::Hours(1), now, day));
  CHECK(!RetryAgeExceeded(now - day, now, day));
  CHECK(RetryAgeExceeded(now - day - absl::Seconds(1), now, day));
  CHECK(RetryAgeExceeded(now - absl::Hours(2), now, absl::Hours(1)));
  CHECK(!RetryAgeExceeded(std::nullopt, now, absl::ZeroDuration()));
}

}  // namespace
}  // namespace mc::execution
