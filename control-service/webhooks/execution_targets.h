// ExecutionTargets: the execution instances a subscription change goes to, as
// SubscriptionAuthoring needs them (every enabled one, every one, or named ones), so that it
// is tested with a small fake; AccountTargets reads them from the external accounts.
//
// Failure modes: NOT_FOUND naming an unknown account (Named); UNAVAILABLE when the storage
// cannot be reached. Implementations are thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "control-service/accounts/account_repository.h"
#include "control-service/execution/execution_target.h"

namespace mc::control {

class ExecutionTargets {
 public:
  virtual ~ExecutionTargets() = default;
  // Ordered by account name.
  [[nodiscard]] virtual absl::StatusOr<std::vector<ExecutionTarget>> Enabled() = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<ExecutionTarget>> All() = 0;
  [[nodiscard]] virtual absl::StatusOr<ExecutionTarget> Named(const std::string& account) = 0;
};

class AccountTargets final : public ExecutionTargets {
 public:
  explicit AccountTargets(AccountRepository& accounts) : accounts_(accounts) {}

  [[nodiscard]] absl::StatusOr<std::vector<ExecutionTarget>> Enabled() override {
    return accounts_.EnabledTargets();
  }
  [[nodiscard]] absl::StatusOr<std::vector<ExecutionTarget>> All() override {
    return accounts_.AllTargets();
  }
  [[nodiscard]] absl::StatusOr<ExecutionTarget> Named(const std::string& account) override {
    return accounts_.GetTarget(account);
  }

 private:
  AccountRepository& accounts_;
};

}  // namespace mc::control
