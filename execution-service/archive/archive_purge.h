// ArchivePurge: drops the periods of the event storage (partition_repository.h) whose events the
// control instance has all archived, once the last of them ended longer than the retention ago.
//
// Purge reads the acknowledged cursor, asks which periods qualify (every event final and at or
// before the cursor, the last end past retention) and drops each one's partitions whole: a few
// statements per period whatever its number of events; inserts and claims go on meanwhile, the
// purge paces itself (options.rest), and the space returns to the system. When the current period
// qualifies too, it is closed first (a rotation) so that it can go. One event not final or not
// acknowledged keeps its whole period: the purge's granularity is the period
// (--partition_period_seconds). Each purge is logged (counts, periods, retention, duration), and so
// is a failure; purges of one process run one at a time, and replicas' purges never drop a period
// twice. Failure modes: INVALID_ARGUMENT "retention: ..." for a negative retention; UNAVAILABLE
// when PostgreSQL is unreachable (periods already dropped stay dropped, one interrupted is finished
// by the next purge). Thread-safe.
#pragma once

#include <mutex>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/log/logger.h"
#include "execution-service/archive/archive.h"
#include "execution-service/archive/archive_repository.h"
#include "execution-service/partitions/partition_repository.h"

namespace mc::execution {

struct PurgeOptions {
  absl::Duration retention = absl::Hours(168);  // the default of Purge()
  // After each step of a period's drop, rest this many times as long as the step took
  // (PartitionRepository::Drop): the purge keeps to about a fifth of one core beside the traffic.
  double rest = 4;
};

class ArchivePurge {
 public:
  ArchivePurge(ArchiveRepository& archive, PartitionRepository& partitions, PurgeOptions options,
               log::Logger& logger)
      : archive_(archive), partitions_(partitions), options_(options), logger_(logger) {}

  // `retention` nullopt: the configured one.
  [[nodiscard]] absl::StatusOr<PurgeCounts> Purge(
      std::optional<absl::Duration> retention = std::nullopt);

  const PurgeOptions& options() const { return options_; }

 private:
  [[nodiscard]] absl::StatusOr<PurgeCounts> PurgeLocked(absl::Duration retention, int* periods);

  ArchiveRepository& archive_;
  PartitionRepository& partitions_;
  const PurgeOptions options_;
  log::Logger& logger_;
  std::mutex mu_;  // one purge at a time
};

}  // namespace mc::execution
