// SubscriptionRepository: the status-webhook subscriptions of an execution instance in
// PostgreSQL (webhook_subscriptions, webhook_endpoint_state, and their webhooks in
// webhook_outbox; migration 0008).
//
//   Put(s)          creates or replaces the definition (secrets included); the endpoint's state,
//                   counts and queue are kept. A version lower than the stored one changes
//                   nothing (a late retry of an older publication). Returns the stored status.
//   Delete(name)    gives up what is still queued for it (counted), then removes it.
//   List(name)      every subscription (or the one named) with its state and counts: queued
//                   from the outbox's queued index, delivered and failed from its counters.
//   Resume(name)    back to active; its queued webhooks due at once.
//   ReplayOne(event_id, outbox_id) / ReplaySince(range)  queue webhooks again, webhook-ids kept.
// Secrets are stored as the key bytes in base64 (never logged, never returned by List).
// Failure modes: NOT_FOUND for an unknown subscription or webhook; UNAVAILABLE when PostgreSQL
// is unreachable. Thread-safe (all state is in the pool).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/pg/connection_pool.h"
#include "execution-service/subscriptions/subscription.h"

namespace mc::execution {

class SubscriptionRepository {
 public:
  explicit SubscriptionRepository(pg::ConnectionPool& pool);

  [[nodiscard]] absl::StatusOr<SubscriptionStatus> Put(const Subscription& s);
  [[nodiscard]] absl::StatusOr<int64_t> Delete(const std::string& name);
  [[nodiscard]] absl::StatusOr<std::vector<SubscriptionStatus>> List();
  [[nodiscard]] absl::StatusOr<SubscriptionStatus> Get(const std::string& name);
  [[nodiscard]] absl::StatusOr<SubscriptionStatus> Resume(const std::string& name);
  [[nodiscard]] absl::StatusOr<int64_t> ReplayOne(int64_t event_id, int64_t outbox_id);
  [[nodiscard]] absl::StatusOr<int64_t> ReplaySince(const ReplayRange& r);

 private:
  pg::ConnectionPool& pool_;
};

}  // namespace mc::execution
