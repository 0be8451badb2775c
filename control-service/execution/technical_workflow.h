// TechnicalWorkflow: one technical workflow of an execution instance as it reports it
// (messagecenter.v1.WorkflowService): rtEventsProcessing, batchEventsProcessing,
// updateEventStatus and any added later, with its state, last run and counts; and the
// WorkflowAction an operator asks of one. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"

namespace mc::control {

struct TechnicalWorkflow {
  std::string internal_name, label, folder;
  std::string state;  // "started" | "paused" | "stopped"
  std::optional<absl::Time> last_run;
  int64_t processed = 0, errors = 0;
  std::string last_error;
};

enum class WorkflowAction { kStart, kPause, kStop };

}  // namespace mc::control
