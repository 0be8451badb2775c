// A status-webhook subscription as authored on the control instance (issue 13): where an
// execution instance POSTs the status changes of its events, for which statuses and event
// types, how batched; its signing secrets; and what the fan-out to every instance answered.
// Plain values.
//
// Subscription is what the API shows: it has no secret, only how many are in force and when
// the previous one stops signing. SubscriptionSecrets holds them: write-only, kept by the
// control (it publishes them to instances added later) and sent only to execution instances;
// never log one, return one from Get/List, or put one in a message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "control-service/execution/instance_outcome.h"
#include "control-service/execution/subscription_publication.h"

namespace mc::control {

struct Subscription {
  std::string name, url;
  std::vector<int> statuses;  // messagecenter.v1.EventStatus numbers 1..6; empty: every final
  std::vector<std::string> event_types;  // empty: every event type
  bool every_attempt = false;
  int max_batch = 0;  // 0 or 1: one change per POST; up to 500
  bool disabled = false;
  // Read-only: kept by the control. Each change is a new version.
  int version = 0;
  absl::Time updated;
  // Read-only: how many secrets sign now (1, or 2 during a rotation's overlap) and when the
  // previous one stops (set only while it still signs).
  int secrets = 0;
  std::optional<absl::Time> previous_secret_expires;
};

struct SubscriptionSecrets {
  std::string current;
  // The one a rotation replaced, signing beside `current` until `previous_expires`; empty when
  // none (then previous_expires is unset).
  std::string previous;
  std::optional<absl::Time> previous_expires;
};

// What the control stores of a subscription.
struct StoredSubscription {
  Subscription subscription;
  SubscriptionSecrets secrets;
};

// The outcome of a change fanned out to every enabled instance.
struct SubscriptionChange {
  Subscription subscription;
  std::vector<InstanceOutcome> outcomes;
  // A secret the control made (Create without one, RotateSecret without one): shown once, here.
  std::string generated_secret;
};

// One instance's state of a subscription: its answer (code, message) and, when it answered
// OK, what it holds.
struct SubscriptionOnInstance {
  std::string account;
  int code = 0;  // absl::StatusCode
  std::string message;
  std::optional<InstanceSubscriptionStatus> status;
};

struct ReplayResult {
  std::vector<InstanceOutcome> outcomes;
  int64_t replayed = 0;  // summed over the instances
};

}  // namespace mc::control
