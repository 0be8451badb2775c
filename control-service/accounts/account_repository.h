// AccountRepository: the external accounts in the control's schema.
//
// Failure modes: NOT_FOUND naming the account; ALREADY_EXISTS for a duplicate internal name or
// execution-instance identifier; UNAVAILABLE when PostgreSQL cannot be reached. Reads never
// return the credential, except GetTarget (for the control's own calls). Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/pg/connection_pool.h"
#include "control-service/accounts/account.h"

namespace mc::control {

class AccountRepository {
 public:
  explicit AccountRepository(pg::ConnectionPool& pool);

  [[nodiscard]] absl::StatusOr<Account> Create(const Account& account);
  [[nodiscard]] absl::StatusOr<Account> Get(const std::string& name);
  [[nodiscard]] absl::StatusOr<std::vector<Account>> List();
  // Replaces label, enabled, endpoint, connection method; the credential when non-empty.
  [[nodiscard]] absl::StatusOr<Account> Update(const Account& account);
  [[nodiscard]] absl::StatusOr<Account> SetEnabled(const std::string& name, bool enabled);
  [[nodiscard]] absl::Status Delete(const std::string& name);
  [[nodiscard]] absl::StatusOr<Account> SetInstanceId(const std::string& name,
                                                      const std::string& instance_id);

  [[nodiscard]] absl::StatusOr<ExecutionTarget> GetTarget(const std::string& name);
  // Every enabled account, ordered by name.
  [[nodiscard]] absl::StatusOr<std::vector<ExecutionTarget>> EnabledTargets();
  // Every account, enabled or not, ordered by name.
  [[nodiscard]] absl::StatusOr<std::vector<ExecutionTarget>> AllTargets();

 private:
  pg::ConnectionPool& pool_;
};

}  // namespace mc::control
