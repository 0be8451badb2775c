#include "execution-service/subscriptions/subscription_registry.h"

#include "absl/strings/str_cat.h"
#include "execution-service/outbox/outbox_repository.h"

namespace mc::execution {
SubscriptionRegistry::SubscriptionRegistry(SubscriptionRepository& repository,
                                           SubscriptionRules rules)
    : repository_(repository), rules_(std::move(rules)) {}

absl::StatusOr<SubscriptionStatus> SubscriptionRegistry::Put(
    Subscription definition, const std::vector<SecretInput>& secrets) {
  if (absl::Status s = CheckSubscription(rules_, definition, secrets, absl::Now()); !s.ok()) {
    return s;
  }
  return repository_.Put(definition);
}

absl::StatusOr<int64_t> SubscriptionRegistry::Delete(const std::string& name) {
  if (absl::Status s = CheckSubscriptionName(name); !s.ok()) return s;
  return repository_.Delete(name);
}

absl::StatusOr<std::vector<SubscriptionStatus>> SubscriptionRegistry::List() {
  return repository_.List();
}

absl::StatusOr<SubscriptionStatus> SubscriptionRegistry::Resume(const std::string& name) {
  if (absl::Status s = CheckSubscriptionName(name); !s.ok()) return s;
  return repository_.Resume(name);
}

absl::StatusOr<int64_t> SubscriptionRegistry::ReplayOne(const std::string& webhook_id) {
  int64_t event_id = 0, outbox_id = 0;
  if (!OutboxRepository::ParseWebhookId(rules_.schema, webhook_id, &event_id, &outbox_id)) {
    return absl::NotFoundError(absl::StrCat("webhook_id: not a webhook of this instance (wh_",
                                            rules_.schema, "_<event id>_<number>)"));
  }
  return repository_.ReplayOne(event_id, outbox_id);
}

absl::StatusOr<int64_t> SubscriptionRegistry::ReplaySince(const ReplayRange& range) {
  if (absl::Status s = CheckSubscriptionName(range.subscription); !s.ok()) return s;
  return repository_.ReplaySince(range);
}

}  // namespace mc::execution
