// SubscriptionRepository: the SubscriptionStore of the control's schema (table
// webhook_subscriptions, migration 0005), secrets included: they leave it only for the
// control's publications. Failure modes: those of SubscriptionStore. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/pg/connection_pool.h"
#include "control-service/webhooks/subscription_store.h"

namespace mc::control {

class SubscriptionRepository final : public SubscriptionStore {
 public:
  explicit SubscriptionRepository(pg::ConnectionPool& pool);

  [[nodiscard]] absl::StatusOr<StoredSubscription> Insert(const StoredSubscription& s) override;
  [[nodiscard]] absl::StatusOr<StoredSubscription> Replace(const StoredSubscription& s,
                                                           int expected_version) override;
  [[nodiscard]] absl::StatusOr<StoredSubscription> Get(const std::string& name) override;
  [[nodiscard]] absl::StatusOr<std::vector<StoredSubscription>> List() override;
  [[nodiscard]] absl::Status Delete(const std::string& name) override;

 private:
  pg::ConnectionPool& pool_;
};

}  // namespace mc::control
