// The archiving workflow of one account (DOMAIN.md section 6): mcSynch_<account>, its state,
// schedule, export cursor, and its runs. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "control-service/execution/archive_rows.h"

namespace mc::control {

enum class ArchivingState { kStarted = 1, kPaused = 2, kStopped = 3 };

inline constexpr char kArchivingFolder[] = "Administration > Production > Message Center";

struct ArchiveRun {
  int64_t id = 0;
  std::string workflow;
  absl::Time started;
  std::optional<absl::Time> ended;
  int64_t events_copied = 0, delivery_logs_copied = 0, quarantine_copied = 0;
  std::string error;
};

struct ArchivingWorkflow {
  std::string internal_name, label, folder, account;
  ArchivingState state = ArchivingState::kStarted;
  int64_t schedule_seconds = 3600;
  absl::Time next_run;
  ArchiveCursor cursor;
  std::optional<ArchiveRun> last_run;
};

// "mcSynch_<account>".
std::string ArchivingWorkflowName(const std::string& account);

}  // namespace mc::control
