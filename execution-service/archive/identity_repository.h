// IdentityRepository: the execution-instance identifier the control instance stamps.
//
// InstanceId: the stamped identifier, empty until stamped.
// Stamp: in one transaction (the identity row locked), stamps `id` unless another identifier is
// stamped and `force` is false; when it replaces another identifier it also resets the archive
// acknowledgement to zero, so nothing is purged before the new identity's archive has it.
// The identifier's syntax is the caller's to check (see ValidateInstanceId).
// Failure modes: UNAVAILABLE when PostgreSQL is unreachable. Thread-safe.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/pg/connection_pool.h"

namespace mc::execution {

struct StampOutcome {
  std::string previous;  // the identifier stamped before the call ("" when none)
  bool stamped = false;  // false: another identifier is stamped and force was not set
};

class IdentityRepository {
 public:
  explicit IdentityRepository(pg::ConnectionPool& pool);

  [[nodiscard]] absl::StatusOr<std::string> InstanceId();
  [[nodiscard]] absl::StatusOr<StampOutcome> Stamp(const std::string& id, bool force);

 private:
  pg::ConnectionPool& pool_;
};

}  // namespace mc::execution
