// WorkflowRepository: the workflows table (state, last run, counts, last error).
// Failure modes: NOT_FOUND for an unknown workflow; UNAVAILABLE when PostgreSQL is unreachable.
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/pg/connection_pool.h"
#include "execution-service/workflows/workflow.h"

namespace mc::execution {

class WorkflowRepository {
 public:
  explicit WorkflowRepository(pg::ConnectionPool& pool);

  [[nodiscard]] absl::StatusOr<std::vector<WorkflowInfo>> List();
  [[nodiscard]] absl::StatusOr<WorkflowInfo> SetState(const std::string& name, WorkflowState state);
  // Adds a run's counts; `error` (when not empty) becomes the last error.
  [[nodiscard]] absl::Status RecordRun(const std::string& name, int64_t processed, int64_t errors,
                                       const std::string& error);

 private:
  pg::ConnectionPool& pool_;
};

}  // namespace mc::execution
