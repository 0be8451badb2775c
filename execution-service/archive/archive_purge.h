// ArchivePurge: deletes the final events the control instance acknowledged as archived (and
// their delivery logs) once they finished longer than the retention ago.
//
// Purge reads the acknowledged cursor, then deletes per queue in batches of `batch_size` events,
// each batch its own short transaction (queues are never locked for long), until a batch comes
// back short. Never an event that is not final or not at or before the acknowledged cursor.
// Each purge is logged (counts, retention, duration), and so is a failure; purges of one
// process run one at a time.
// Failure modes: INVALID_ARGUMENT "retention: ..." for a negative retention; UNAVAILABLE when
// PostgreSQL is unreachable (batches already deleted stay deleted). Thread-safe.
#pragma once

#include <mutex>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/log/logger.h"
#include "execution-service/archive/archive.h"
#include "execution-service/archive/archive_repository.h"

namespace mc::execution {

struct PurgeOptions {
  absl::Duration retention = absl::Hours(168);  // the default of Purge()
  int batch_size = 5000;                        // events per statement
};

class ArchivePurge {
 public:
  ArchivePurge(ArchiveRepository& archive, PurgeOptions options, log::Logger& logger)
      : archive_(archive), options_(options), logger_(logger) {}

  // `retention` nullopt: the configured one.
  [[nodiscard]] absl::StatusOr<PurgeCounts> Purge(
      std::optional<absl::Duration> retention = std::nullopt);

  const PurgeOptions& options() const { return options_; }

 private:
  [[nodiscard]] absl::StatusOr<PurgeCounts> PurgeLocked(const ArchiveCursor& acknowledged,
                                                        absl::Duration retention);

  ArchiveRepository& archive_;
  const PurgeOptions options_;
  log::Logger& logger_;
  std::mutex mu_;  // one purge at a time
};

}  // namespace mc::execution
