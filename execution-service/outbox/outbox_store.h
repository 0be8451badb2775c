// OutboxStore: what webhookDelivery needs of storage (OutboxRepository implements it on
// PostgreSQL; tests use a small fake).
//
// Claim: up to `limit` due webhooks of active, enabled subscriptions, each only when no earlier
// webhook of its (subscription, event) is still queued (status order per event), under a lease
// of `lease` (another replica takes them once it ran out: at least once).
// Endpoints: the enabled subscriptions' URLs and secrets.
// Record: each webhook's outcome and what each endpoint's POSTs showed, all or nothing: an
// endpoint failing without a success for `pause_after` is paused.
// Failure modes: UNAVAILABLE when the store is unreachable (nothing of the call applied; leased
// webhooks are sent again once their lease ran out). Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "execution-service/webhooks/webhook_change.h"

namespace mc::execution {

struct ClaimedWebhook {
  std::string subscription;
  WebhookChange change;
};

// What became of one webhook in a run.
struct WebhookResult {
  enum class Kind {
    kDelivered,  // a 2xx
    kRetry,      // failed: due again after `delay`
    kGiveUp,     // final for this webhook (a 4xx other than 408/429, or past the retry age)
    kHeld,       // not sent: an earlier change of its event failed in this run; due after `delay`
  };
  int64_t event_id = 0;
  int64_t outbox_id = 0;
  Kind kind = Kind::kRetry;
  absl::Duration delay;
  std::string error;  // for last_error; never a secret
};

// What one endpoint's POSTs of a run showed.
struct EndpointResult {
  std::string subscription;
  bool succeeded = false;  // at least one 2xx
  bool failed = false;     // at least one failed POST
  std::string last_error;
};

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;

  [[nodiscard]] virtual absl::StatusOr<std::vector<ClaimedWebhook>> Claim(int limit,
                                                                          absl::Duration lease) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<WebhookEndpoint>> Endpoints() = 0;
  [[nodiscard]] virtual absl::Status Record(const std::vector<WebhookResult>& results,
                                            const std::vector<EndpointResult>& endpoints,
                                            absl::Duration pause_after) = 0;
};

}  // namespace mc::execution
