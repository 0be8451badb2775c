// SubscriptionRegistry: the rules of the WebhookService on an execution instance (the control
// instance publishes subscriptions here; operators list, resume and replay), apart from
// transport and storage.
//
// Put checks a subscription (subscription_rules.h) before storing it. Replay takes a webhook-id
// of this instance, or a subscription and a time.
// Failure modes: INVALID_ARGUMENT naming the field ("subscription.url: ..."); NOT_FOUND for an
// unknown subscription or webhook-id; UNAVAILABLE from the store. Thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "execution-service/subscriptions/subscription.h"
#include "execution-service/subscriptions/subscription_repository.h"
#include "execution-service/subscriptions/subscription_rules.h"

namespace mc::execution {

class SubscriptionRegistry {
 public:
  SubscriptionRegistry(SubscriptionRepository& repository, SubscriptionRules rules);

  // `definition.secrets` is ignored: `secrets` are checked and decoded into it.
  [[nodiscard]] absl::StatusOr<SubscriptionStatus> Put(Subscription definition,
                                                       const std::vector<SecretInput>& secrets);
  [[nodiscard]] absl::StatusOr<int64_t> Delete(const std::string& name);
  [[nodiscard]] absl::StatusOr<std::vector<SubscriptionStatus>> List();
  [[nodiscard]] absl::StatusOr<SubscriptionStatus> Resume(const std::string& name);
  [[nodiscard]] absl::StatusOr<int64_t> ReplayOne(const std::string& webhook_id);
  [[nodiscard]] absl::StatusOr<int64_t> ReplaySince(const ReplayRange& range);

 private:
  SubscriptionRepository& repository_;
  const SubscriptionRules rules_;
};

}  // namespace mc::execution
