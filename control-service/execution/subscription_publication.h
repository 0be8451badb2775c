// The status-webhook subscriptions as the control instance publishes them to an execution
// instance (messagecenter.v1.WebhookService): SubscriptionPublication, one version of a
// subscription with the signing secrets in force, and InstanceSubscriptionStatus, what an
// instance says it holds (secrets left out) and how its deliveries go. Plain values.
// SigningSecret holds a secret: never log one or put it in a message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace mc::control {

struct SigningSecret {
  std::string value;  // "whsec_<base64>"
  // Signed with until then; unset: until replaced.
  std::optional<absl::Time> expires;
};

struct SubscriptionPublication {
  std::string name, url;
  std::vector<int> statuses;  // messagecenter.v1.EventStatus numbers; empty: every final one
  std::vector<std::string> event_types;
  bool every_attempt = false;
  int max_batch = 0;
  bool disabled = false;
  int version = 0;
  // One or two (during a rotation's overlap). Empty in what an instance reports.
  std::vector<SigningSecret> secrets;
};

enum class SubscriptionState { kUnspecified = 0, kActive = 1, kPausedFailing = 2 };

struct InstanceSubscriptionStatus {
  SubscriptionPublication subscription;  // without secrets
  SubscriptionState state = SubscriptionState::kUnspecified;
  int secrets = 0;
  std::optional<absl::Time> failing_since, last_success;
  std::string last_error;
  int64_t queued = 0, delivered = 0, failed = 0;
};

}  // namespace mc::control
