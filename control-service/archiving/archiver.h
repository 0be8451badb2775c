// Archiver: one run of an account's archiving workflow (DOMAIN.md section 6). It pulls, over
// the execution instance's ExportArchive stream, every event that reached a final status after
// the workflow's cursor (with its delivery log), then the quarantined addresses, and stores
// each page with the cursor in one transaction. A run cut off anywhere (either side killed,
// network gone) and run again leaves exactly what one clean run leaves.
//
// The run holds a PostgreSQL advisory lock named after the workflow, so with several control
// replicas each account's workflow runs on one replica at a time.
//
// Each run that reaches its account is counted in ControlMetrics (runs, errors, rows; a
// successful one also moves the account's archiving lag).
// StopBy(deadline), on shutdown: runs still going at the deadline stop at their next page
// boundary with CANCELLED (recorded on the run; the next run resumes from its cursor).
//
// Failure modes: ABORTED when another replica is running the workflow (or, for a scheduled run,
// when it is no longer started and due); NOT_FOUND for an unknown workflow;
// FAILED_PRECONDITION when it is stopped or its account is not initialized (recorded as a failed
// run too); otherwise the run is returned OK, carrying its error when it was cut off part way
// (the instance went away: "unreachable"; it points at another instance; a shutdown).
// Thread-safe; runs of different workflows may go in parallel.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/statusor.h"
#include "common/log/logger.h"
#include "common/pg/advisory_lock.h"
#include "control-service/accounts/account_repository.h"
#include "control-service/archiving/archiving_repository.h"
#include "control-service/execution/execution_gateway.h"
#include "control-service/metrics/control_metrics.h"

namespace mc::control {

struct ArchiverOptions {
  // Where the advisory locks are taken, and the schema naming them.
  std::string lock_dsn;
  std::string schema;
  int page_size = 1000;
  // Export streams per run before leaving the rest to the next run (events keep arriving).
  int max_streams = 4;
};

class Archiver {
 public:
  Archiver(ArchivingRepository& archive, AccountRepository& accounts,
           const ExecutionGateway& client, ArchiverOptions options, ControlMetrics& metrics,
           log::Logger& logger)
      : archive_(archive),
        accounts_(accounts),
        client_(client),
        options_(std::move(options)),
        metrics_(metrics),
        logger_(logger) {}

  enum class RunKind {
    kScheduled,  // only a started workflow that is due (checked again under the lock)
    kOnDemand,   // RunNow: any workflow that is not stopped
  };
  // The run, with its error when it was cut off part way (what it copied stays).
  [[nodiscard]] absl::StatusOr<ArchiveRun> Run(const std::string& workflow, RunKind kind);

  // Runs going on at `deadline` (and any started later) stop at their next page boundary.
  void StopBy(absl::Time deadline) { stop_by_ = absl::ToUnixNanos(deadline); }

 private:
  // Stops (UNAVAILABLE) at the first page after the run's lock was lost with its session: the
  // workflow may be running on another replica by then.
  [[nodiscard]] absl::Status Copy(const ArchivingWorkflow& workflow, const ExecutionTarget& target,
                                  int64_t run_id, pg::AdvisoryLock& lock);
  // CANCELLED once the StopBy deadline has passed.
  [[nodiscard]] absl::Status CheckNotStopping() const;

  ArchivingRepository& archive_;
  AccountRepository& accounts_;
  const ExecutionGateway& client_;
  const ArchiverOptions options_;
  ControlMetrics& metrics_;
  log::Logger& logger_;
  std::atomic<int64_t> stop_by_{std::numeric_limits<int64_t>::max()};
};

}  // namespace mc::control
