#include "control-service/accounts/account_manager.h"

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace mc::control {

absl::StatusOr<Account> AccountManager::Create(const Account& account) {
  if (absl::Status s = ValidateAccount(account, /*require_credential=*/true); !s.ok()) return s;
  return repository_.Create(account);
}

absl::StatusOr<Account> AccountManager::Update(const Account& account) {
  if (absl::Status s = ValidateAccount(account, /*require_credential=*/false); !s.ok()) return s;
  return repository_.Update(account);
}

absl::StatusOr<Account> AccountManager::Disable(const std::string& name) {
  return repository_.SetEnabled(name, false);
}

absl::StatusOr<ConnectionReport> AccountManager::TestConnection(const std::string& name) {
  absl::StatusOr<ExecutionTarget> target = repository_.GetTarget(name);
  if (!target.ok()) return target.status();
  const absl::Time start = absl::Now();
  absl::StatusOr<InstanceSummary> info = client_.GetInfo(*target);
  if (!info.ok()) return info.status();
  return ConnectionReport{.endpoint = target->endpoint,
                          .instance = *std::move(info),
                          .round_trip = absl::Now() - start};
}

absl::StatusOr<std::vector<TechnicalWorkflow>> AccountManager::ListWorkflows(
    const std::string& name) {
  absl::StatusOr<ExecutionTarget> target = repository_.GetTarget(name);
  if (!target.ok()) return target.status();
  return client_.ListWorkflows(*target);
}

absl::StatusOr<TechnicalWorkflow> AccountManager::ChangeWorkflow(const std::string& name,
                                                                 const std::string& workflow,
                                                                 WorkflowAction action) {
  if (workflow.empty()) return absl::InvalidArgumentError("workflow: required");
  absl::StatusOr<ExecutionTarget> target = repository_.GetTarget(name);
  if (!target.ok()) return target.status();
  return client_.ChangeWorkflow(*target, workflow, action);
}

absl::StatusOr<Account> AccountManager::InitializeConnection(const std::string& name,
                                                             const std::string& instance_id,
                                                             bool force) {
  absl::StatusOr<ExecutionTarget> target = repository_.GetTarget(name);
  if (!target.ok()) return target.status();
  std::string id = instance_id;
  if (id.empty()) id = target->instance_id;
  if (id.empty()) {
    absl::BitGen gen;
    id = absl::StrFormat("%s-%08x", name, absl::Uniform<uint32_t>(gen));
  }
  if (absl::Status s = ValidateInstanceId(id); !s.ok()) return s;
  // The account keeps the identifier first, so a stamping cut off (instance unreachable) is
  // retried with the same one; an instance that refuses it leaves the account as it was.
  const std::string previous = target->instance_id;
  absl::StatusOr<Account> account = repository_.SetInstanceId(name, id);
  if (!account.ok()) return account.status();
  target->instance_id = id;
  absl::StatusOr<InstanceSummary> stamped = client_.Initialize(*target, id, force);
  if (!stamped.ok()) {
    if (!absl::IsUnavailable(stamped.status()) && previous != id) {
      (void)repository_.SetInstanceId(name, previous);
    }
    return stamped.status();
  }
  return account;
}

}  // namespace mc::control
