// AccountManager: the operations on execution-instance external accounts (DOMAIN.md section
// 2): create, read, update, disable, delete, test the connection, initialize the connection;
// and the technical workflows of the account's instance, listed and changed.
//
// Failure modes: INVALID_ARGUMENT naming the field; ALREADY_EXISTS for a duplicate internal
// name; NOT_FOUND for an unknown account; the ExecutionGateway's statuses (UNAVAILABLE naming
// the address, FAILED_PRECONDITION for a refused credential) for test and initialize.
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "control-service/accounts/account_repository.h"
#include "control-service/execution/execution_gateway.h"

namespace mc::control {

struct ConnectionReport {
  std::string endpoint;
  InstanceSummary instance;
  absl::Duration round_trip;
};

class AccountManager {
 public:
  AccountManager(AccountRepository& repository, const ExecutionGateway& client)
      : repository_(repository), client_(client) {}

  [[nodiscard]] absl::StatusOr<Account> Create(const Account& account);
  [[nodiscard]] absl::StatusOr<Account> Get(const std::string& name) {
    return repository_.Get(name);
  }
  [[nodiscard]] absl::StatusOr<std::vector<Account>> List() { return repository_.List(); }
  [[nodiscard]] absl::StatusOr<Account> Update(const Account& account);
  [[nodiscard]] absl::StatusOr<Account> Disable(const std::string& name);
  [[nodiscard]] absl::Status Delete(const std::string& name) { return repository_.Delete(name); }

  [[nodiscard]] absl::StatusOr<ConnectionReport> TestConnection(const std::string& name);
  // Assigns `instance_id` (or the account's current one, or "<name>-<8 hex digits>") to the
  // account, then stamps it on the execution instance. Safe to repeat after a failure.
  [[nodiscard]] absl::StatusOr<Account> InitializeConnection(const std::string& name,
                                                             const std::string& instance_id,
                                                             bool force);
  [[nodiscard]] absl::StatusOr<std::vector<TechnicalWorkflow>> ListWorkflows(
      const std::string& name);
  // INVALID_ARGUMENT "workflow: required" for an empty workflow name.
  [[nodiscard]] absl::StatusOr<TechnicalWorkflow> ChangeWorkflow(const std::string& name,
                                                                 const std::string& workflow,
                                                                 WorkflowAction action);

 private:
  AccountRepository& repository_;
  const ExecutionGateway& client_;
};

}  // namespace mc::control
