// WorkflowControl: list, start, pause and stop the technical workflows (plain logic). A change
// is stored (every replica follows) and applied to this replica at once.
// Failure modes: NOT_FOUND for an unknown workflow; UNAVAILABLE. Thread-safe.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "execution-service/workflows/workflow_repository.h"
#include "execution-service/workflows/workflow_states.h"

namespace mc::execution {

class WorkflowControl {
 public:
  WorkflowControl(WorkflowRepository& repository, WorkflowStates& states)
      : repository_(repository), states_(states) {}

  [[nodiscard]] absl::StatusOr<std::vector<WorkflowInfo>> List() { return repository_.List(); }
  [[nodiscard]] absl::StatusOr<WorkflowInfo> Change(const std::string& name, WorkflowState state) {
    absl::StatusOr<WorkflowInfo> info = repository_.SetState(name, state);
    if (info.ok()) states_.Set(name, state);
    return info;
  }
  // Starts all four (the --start_workflows flag).
  [[nodiscard]] absl::Status StartAll();

 private:
  WorkflowRepository& repository_;
  WorkflowStates& states_;
};

}  // namespace mc::execution
