// ArchivingControl: the operator's handles on the archiving workflows (create, start, pause,
// stop, schedule, run now, runs) and the purge of the control's archive.
//
// Failure modes: NOT_FOUND for an unknown workflow or account; ALREADY_EXISTS for a second
// workflow of an account; INVALID_ARGUMENT for a non-positive schedule or retention;
// FAILED_PRECONDITION for running a stopped workflow; the Archiver's statuses for RunNow.
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "control-service/archiving/archiver.h"
#include "control-service/archiving/archiving_repository.h"

namespace mc::control {

class ArchivingControl {
 public:
  ArchivingControl(ArchivingRepository& repository, Archiver& archiver,
                   absl::Duration default_retention)
      : repository_(repository), archiver_(archiver), default_retention_(default_retention) {}

  // Creates mcSynch_<account> and starts it (its first run is due at once).
  [[nodiscard]] absl::StatusOr<ArchivingWorkflow> Create(const std::string& account,
                                                         int64_t schedule_seconds);
  [[nodiscard]] absl::StatusOr<std::vector<ArchivingWorkflow>> List() { return repository_.List(); }
  [[nodiscard]] absl::StatusOr<ArchivingWorkflow> SetState(const std::string& name,
                                                           ArchivingState state) {
    return repository_.SetState(name, state);
  }
  [[nodiscard]] absl::StatusOr<ArchivingWorkflow> SetSchedule(const std::string& name,
                                                              int64_t seconds) {
    return repository_.SetSchedule(name, seconds);
  }
  [[nodiscard]] absl::StatusOr<ArchiveRun> RunNow(const std::string& name);
  [[nodiscard]] absl::StatusOr<std::vector<ArchiveRun>> ListRuns(const std::string& name,
                                                                 int limit);
  // Deletes archived rows received more than `retention` ago (zero: the configured one).
  [[nodiscard]] absl::StatusOr<PurgedRows> Purge(absl::Duration retention);

 private:
  ArchivingRepository& repository_;
  Archiver& archiver_;
  const absl::Duration default_retention_;
};

}  // namespace mc::control
