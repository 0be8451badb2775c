// Domain types of the status-webhook subscriptions an execution instance holds (published by
// the control instance, messagecenter.v1.WebhookService). Plain values: no I/O, no locking.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "execution-service/events/event.h"
#include "execution-service/webhooks/webhook_change.h"

namespace mc::execution {

struct Subscription {
  std::string name;
  std::string url;
  std::vector<EventStatus> statuses;     // empty: every final status
  std::vector<std::string> event_types;  // empty: every type
  bool every_attempt = false;
  int max_batch = 1;  // 1 to 500
  bool disabled = false;
  int version = 0;
  std::vector<SigningSecret> secrets;  // write-only: never leaves the instance but signed
};

enum class EndpointState { kActive = 1, kPausedFailing = 2 };

// A subscription with what webhookDelivery learnt of its endpoint (secrets left out).
struct SubscriptionStatus {
  Subscription subscription;  // secrets empty
  int secrets = 0;            // how many are in force
  EndpointState state = EndpointState::kActive;
  std::optional<absl::Time> failing_since;
  std::string last_error;
  std::optional<absl::Time> last_success;
  int64_t queued = 0;
  int64_t delivered = 0;
  int64_t failed = 0;
};

// Every queued webhook of `subscription` changed at or after `since`.
struct ReplayRange {
  std::string subscription;
  absl::Time since;
};

}  // namespace mc::execution
