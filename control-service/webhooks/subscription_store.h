// SubscriptionStore: where the control keeps its webhook subscriptions with their secrets
// (SubscriptionRepository in PostgreSQL; tests use a map). It stores what it is given: the
// rules (validation, versions, rotation) are SubscriptionAuthoring's. The stored `updated` is
// the store's own time of the write; Subscription::secrets and previous_secret_expires are
// not stored (Describe derives them).
//
// Failure modes: NOT_FOUND naming the subscription ("no webhook subscription named 'x'");
// ALREADY_EXISTS for a taken name; ABORTED when Replace finds another version than the one
// expected (changed meanwhile: read it again); UNAVAILABLE when the storage cannot be reached.
// Implementations are thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "control-service/webhooks/subscription.h"

namespace mc::control {

class SubscriptionStore {
 public:
  virtual ~SubscriptionStore() = default;

  [[nodiscard]] virtual absl::StatusOr<StoredSubscription> Insert(const StoredSubscription& s) = 0;
  // Replaces every field and the secrets of the subscription of that name if its stored
  // version is `expected_version`.
  [[nodiscard]] virtual absl::StatusOr<StoredSubscription> Replace(const StoredSubscription& s,
                                                                   int expected_version) = 0;
  [[nodiscard]] virtual absl::StatusOr<StoredSubscription> Get(const std::string& name) = 0;
  // Ordered by name.
  [[nodiscard]] virtual absl::StatusOr<std::vector<StoredSubscription>> List() = 0;
  [[nodiscard]] virtual absl::Status Delete(const std::string& name) = 0;
};

}  // namespace mc::control
