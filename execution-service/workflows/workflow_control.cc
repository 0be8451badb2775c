#include "execution-service/workflows/workflow_control.h"

namespace mc::execution {

absl::Status WorkflowControl::StartAll() {
  for (const char* name :
       {kRtEventsProcessing, kBatchEventsProcessing, kUpdateEventStatus, kWebhookDelivery}) {
    if (absl::StatusOr<WorkflowInfo> w = Change(name, WorkflowState::kStarted); !w.ok()) {
      return w.status();
    }
  }
  return absl::OkStatus();
}

}  // namespace mc::execution
