// ArchiveRepository: the statements of the archive export and its acknowledgement (the purge
// reads the acknowledged cursor; it drops partitions, see partition_repository.h).
//
// ReadFinalEvents: final events after a cursor in export order (final_xid, queue, id), both
// queues, with their delivery log, template name and retried soft failures (delivery_attempts,
// aggregated in the same statement: still one round trip per page). Only events whose final_xid
// is below the oldest transaction still running (pg_snapshot_xmin of the statement's snapshot)
// are read: every transaction below it has ended, so no event can later commit behind a cursor
// handed out (no gaps), and a transaction still running holds the export back until it ends.
// Acknowledge: moves the acknowledged cursor forward (never back). A cursor whose xid is not
// below the current horizon cannot come from this instance's export: INVALID_ARGUMENT.
// Each call is one statement, its own transaction (one round trip).
// Failure modes: UNAVAILABLE when PostgreSQL is unreachable. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/pg/connection_pool.h"
#include "execution-service/archive/archive.h"

namespace mc::execution {

class ArchiveRepository {
 public:
  explicit ArchiveRepository(pg::ConnectionPool& pool);

  [[nodiscard]] absl::StatusOr<std::vector<ArchivedEvent>> ReadFinalEvents(
      const ArchiveCursor& after, int limit);
  [[nodiscard]] absl::Status Acknowledge(const ArchiveCursor& cursor);
  [[nodiscard]] absl::StatusOr<ArchiveCursor> Acknowledged();

  // Addresses after (channel, address) in that order; start with channel -1.
  [[nodiscard]] absl::StatusOr<std::vector<QuarantinedAddress>> ReadQuarantine(
      int after_channel, const std::string& after_address, int limit);

 private:
  pg::ConnectionPool& pool_;
};

}  // namespace mc::execution
