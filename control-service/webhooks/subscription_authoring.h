// SubscriptionAuthoring: the control instance's status-webhook subscriptions (issue 13):
// authored here, each change stored as the next version and then published (PutSubscription)
// to every enabled execution instance in parallel, as templates are.
//
//  - Create validates (subscription_validation.h), takes the given secret (checked) or makes
//    one, stores version 1 and publishes it; a secret it made is returned once, in the change.
//  - Update replaces every authored field (name selects it); the secrets stay.
//  - RotateSecret makes (or takes) a new current secret; the one it replaces keeps signing for
//    the overlap (default 24 hours); a rotation during an overlap drops the oldest.
//  - Delete removes it here, then from every account's instance, disabled ones too (none may
//    keep sending); an instance that held none counts as done.
//  - States, Resume and Replay ask the instances (every enabled one, or the named accounts).
//  - PublishAll publishes every subscription again to every enabled instance (after adding an
//    instance, or after an instance refused or was out of reach).
// Each publication sends the secrets in force at that time with their expiries.
//
// An instance that refuses or cannot be reached is an outcome in the answer (and a warning in
// the log), not a failure of the call: the change is stored, and PublishAll sends it again.
// Secrets never leave this class but to an instance: no Subscription holds one, no log line
// or message shows one.
// Failure modes: INVALID_ARGUMENT naming the field; NOT_FOUND for an unknown subscription or
// account; ALREADY_EXISTS for a taken name; ABORTED when the subscription changed meanwhile;
// UNAVAILABLE when PostgreSQL cannot be reached; INTERNAL when no secret could be made.
// Thread-safe; calls to the instances are made in parallel.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/log/logger.h"
#include "control-service/execution/execution_gateway.h"
#include "control-service/webhooks/execution_targets.h"
#include "control-service/webhooks/subscription.h"
#include "control-service/webhooks/subscription_store.h"

namespace mc::control {

class SubscriptionAuthoring {
 public:
  using Clock = std::function<absl::Time()>;

  SubscriptionAuthoring(SubscriptionStore& store, ExecutionTargets& targets,
                        const ExecutionGateway& gateway, log::Logger& logger, Clock now = absl::Now)
      : store_(store),
        targets_(targets),
        gateway_(gateway),
        logger_(logger),
        now_(std::move(now)) {}

  // `secret` empty: the control makes one.
  [[nodiscard]] absl::StatusOr<SubscriptionChange> Create(const Subscription& s,
                                                          const std::string& secret);
  [[nodiscard]] absl::StatusOr<SubscriptionChange> Update(const Subscription& s);
  [[nodiscard]] absl::StatusOr<Subscription> Get(const std::string& name);
  [[nodiscard]] absl::StatusOr<std::vector<Subscription>> List();
  [[nodiscard]] absl::StatusOr<std::vector<InstanceOutcome>> Delete(const std::string& name);
  // `secret` empty: the control makes one. overlap_seconds 0: 24 hours.
  [[nodiscard]] absl::StatusOr<SubscriptionChange> RotateSecret(const std::string& name,
                                                                const std::string& secret,
                                                                int64_t overlap_seconds);
  [[nodiscard]] absl::StatusOr<std::vector<SubscriptionOnInstance>> States(const std::string& name);
  // `accounts` empty: every enabled instance.
  [[nodiscard]] absl::StatusOr<std::vector<SubscriptionOnInstance>> Resume(
      const std::string& name, const std::vector<std::string>& accounts);
  [[nodiscard]] absl::StatusOr<ReplayResult> Replay(const std::string& name, absl::Time since,
                                                    const std::vector<std::string>& accounts);
  [[nodiscard]] absl::StatusOr<std::vector<InstanceOutcome>> PublishAll();

 private:
  // Stores `next` over the version it came from and publishes it.
  [[nodiscard]] absl::StatusOr<SubscriptionChange> Commit(const StoredSubscription& next,
                                                          int expected_version,
                                                          std::string generated_secret);
  // PutSubscription of `s` to every enabled instance, in parallel.
  [[nodiscard]] absl::StatusOr<std::vector<InstanceOutcome>> Publish(const StoredSubscription& s);
  [[nodiscard]] absl::StatusOr<std::vector<ExecutionTarget>> Chosen(
      const std::vector<std::string>& accounts);
  SubscriptionPublication PublicationOf(const StoredSubscription& s) const;

  SubscriptionStore& store_;
  ExecutionTargets& targets_;
  const ExecutionGateway& gateway_;
  log::Logger& logger_;
  const Clock now_;
};

}  // namespace mc::control
