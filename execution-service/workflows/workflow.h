// The technical workflows of an execution instance (DOMAIN.md section 4), and the fourth one
// this product adds, webhookDelivery. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace mc::execution {

inline constexpr char kRtEventsProcessing[] = "rtEventsProcessing";
inline constexpr char kBatchEventsProcessing[] = "batchEventsProcessing";
inline constexpr char kUpdateEventStatus[] = "updateEventStatus";
// Sends the status webhooks of the outbox (execution-service/webhooks/).
inline constexpr char kWebhookDelivery[] = "webhookDelivery";

enum class WorkflowState { kStarted, kPaused, kStopped };
absl::string_view WorkflowStateName(WorkflowState s);  // "started", "paused", "stopped"
std::optional<WorkflowState> ParseWorkflowState(absl::string_view name);

struct WorkflowInfo {
  std::string internal_name;
  std::string label;
  std::string folder;
  WorkflowState state = WorkflowState::kStopped;
  std::optional<absl::Time> last_run;
  int64_t processed = 0;
  int64_t errors = 0;
  std::string last_error;
};

}  // namespace mc::execution
