#include "execution-service/workflows/workflow.h"

namespace mc::execution {

absl::string_view WorkflowStateName(WorkflowState s) {
  switch (s) {
    case WorkflowState::kStarted:
      return "started";
    case WorkflowState::kPaused:
      return "paused";
    case WorkflowState::kStopped:
      return "stopped";
  }
  return "stopped";
}

std::optional<WorkflowState> ParseWorkflowState(absl::string_view name) {
  if (name == "started") return WorkflowState::kStarted;
  if (name == "paused") return WorkflowState::kPaused;
  if (name == "stopped") return WorkflowState::kStopped;
  return std::nullopt;
}

}  // namespace mc::execution
