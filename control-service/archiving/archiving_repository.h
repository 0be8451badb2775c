// ArchivingRepository: the archiving workflows, their runs, and the archive itself (events,
// delivery logs, quarantined addresses keyed by (account, remote id)) in the control's schema.
//
// StorePage writes a page and moves the workflow's cursor in one statement (one transaction),
// so a run cut off anywhere resumes exactly after the last stored page; rows already archived
// are skipped, and the cursor never moves back. Each event keeps its story on its row
// (migration 0006): Message-ID, last failure, when the relay answered, retried soft failures.
// StoreQuarantine stores each address as its key (an email's domain in lower case:
// execution-service/events/address_key.h) with its history (migration 0007), as an upsert over
// the archived row of that key: an entry removed on the instance shows removed, one added again
// its new history; a row changes only where the entry changed (a rerun of the same pages changes
// nothing) and returns how many rows were added or changed. Failure modes: NOT_FOUND naming the
// workflow or account; ALREADY_EXISTS for a second workflow of an account; UNAVAILABLE when
// PostgreSQL cannot be reached. Thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/pg/connection_pool.h"
#include "control-service/archiving/archiving_workflow.h"

namespace mc::control {

struct CopiedRows {
  int64_t events = 0, delivery_logs = 0;
};

struct PurgedRows {
  int64_t events = 0, delivery_logs = 0;
};

class ArchivingRepository {
 public:
  explicit ArchivingRepository(pg::ConnectionPool& pool);

  [[nodiscard]] absl::StatusOr<ArchivingWorkflow> Create(const std::string& account,
                                                         int64_t schedule_seconds);
  [[nodiscard]] absl::StatusOr<bool> HasWorkflowFor(const std::string& account);
  [[nodiscard]] absl::StatusOr<ArchivingWorkflow> Get(const std::string& name);
  [[nodiscard]] absl::StatusOr<std::vector<ArchivingWorkflow>> List();
  // A started workflow is due now; the others wait until started again.
  [[nodiscard]] absl::StatusOr<ArchivingWorkflow> SetState(const std::string& name,
                                                           ArchivingState state);
  [[nodiscard]] absl::StatusOr<ArchivingWorkflow> SetSchedule(const std::string& name,
                                                              int64_t seconds);
  // Started workflows whose next run is due.
  [[nodiscard]] absl::StatusOr<std::vector<std::string>> Due();

  // Closes runs of `name` left open by a replica that died, then opens one.
  [[nodiscard]] absl::StatusOr<int64_t> StartRun(const std::string& name);
  // Ends the run and schedules the workflow's next one.
  [[nodiscard]] absl::StatusOr<ArchiveRun> FinishRun(int64_t run_id, const std::string& error);
  [[nodiscard]] absl::StatusOr<std::vector<ArchiveRun>> ListRuns(const std::string& name,
                                                                 int limit);
  // Per account with an archiving workflow: the end of its last successful run, or when the
  // workflow was created if none succeeded yet (for mc_archive_lag_seconds).
  [[nodiscard]] absl::StatusOr<std::vector<std::pair<std::string, absl::Time>>> LastArchived();

  [[nodiscard]] absl::StatusOr<CopiedRows> StorePage(const std::string& workflow, int64_t run_id,
                                                     const std::string& account,
                                                     const ArchivePage& page);
  [[nodiscard]] absl::StatusOr<int64_t> StoreQuarantine(
      int64_t run_id, const std::string& account, const std::vector<QuarantinedAddress>& addresses);

  // Deletes archived events (with their logs) received before `before`, `batch` at a time.
  [[nodiscard]] absl::StatusOr<PurgedRows> Purge(absl::Time before, int batch = 5000);

 private:
  pg::ConnectionPool& pool_;
};

}  // namespace mc::control
