// InstanceIdentity: the execution instance as the control instance sees it: its build version,
// schema, technical workflows, and the identifier the control stamps on it ("Initialize
// connection" on the control instance).
//
// Initialize validates the identifier (ValidateInstanceId), then stamps it: the same identifier
// again is a no-op; another one replaces the stamped one only with `force` (and then resets the
// archive acknowledgement, see IdentityRepository).
// Failure modes: INVALID_ARGUMENT "instance_id: ..."; FAILED_PRECONDITION naming the stamped
// identifier; UNAVAILABLE when PostgreSQL is unreachable. Thread-safe.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/log/logger.h"
#include "execution-service/archive/archive.h"
#include "execution-service/archive/identity_repository.h"
#include "execution-service/workflows/workflow_repository.h"

namespace mc::execution {

struct InstanceIdentityOptions {
  std::string version;  // the execution-service build version
  std::string schema;   // the instance's PostgreSQL schema
};

class InstanceIdentity {
 public:
  InstanceIdentity(IdentityRepository& identity, WorkflowRepository& workflows,
                   InstanceIdentityOptions options, log::Logger& logger)
      : identity_(identity), workflows_(workflows), options_(std::move(options)), logger_(logger) {}

  [[nodiscard]] absl::StatusOr<InstanceInfo> Info();
  [[nodiscard]] absl::StatusOr<InstanceInfo> Initialize(const std::string& instance_id, bool force);

 private:
  IdentityRepository& identity_;
  WorkflowRepository& workflows_;
  const InstanceIdentityOptions options_;
  log::Logger& logger_;
};

}  // namespace mc::execution
