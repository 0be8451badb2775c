// PartitionRepository: the periods of the instance's event storage (migration 0007): rt_events,
// batch_events and delivery_logs are partitioned by event id, partition k holding the ids
// [k * 2^32, (k + 1) * 2^32) of one period, listed in event_partitions.
//
//   Rotate(period, force)  makes sure the partition after the current one exists and, when the
//                          current period is `period` old (or half of its ids are used, or
//                          `force`), moves new events to it (mc_rotate_partitions: waits for the
//                          insertions in flight, milliseconds). Returns the current partition.
//   Periods()              every period, oldest first.
//   Purgeable(ack, retention)  the periods whose events are all final and at or before the
//                          acknowledged archive cursor, the last of them ended at least
//                          `retention` ago, and none of their webhooks still queued, oldest
//                          first; the current period among them only when it holds events (a
//                          few index probes per period, no scan);
//   Drop(k, rest)          counts period k's events and logs, then detaches its partitions
//                          (events, logs, attempts, webhooks)
//                          (DETACH PARTITION ... CONCURRENTLY: inserts, claims and reads go on)
//                          and drops them. Resumes a drop that a crash interrupted (a detach left
//                          pending is finalized, a detached table dropped).
// Drop rests `rest` times as long as each of its steps took before the next one (a count, a
// detach, a drop per table): a background chore that keeps to a share of the machine beside the
// traffic, as autovacuum's cost delay does; rest 0 runs the steps back to back.
// Drop must only be given a closed period Purgeable returned: it does not check again.
// Failure modes: UNAVAILABLE when PostgreSQL is unreachable (a drop interrupted resumes on the
// next call); INTERNAL when the schema has no open period. Thread-safe (all state is in
// PostgreSQL); rotations of all replicas run one at a time (an advisory lock in the function).
#pragma once

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/pg/connection_pool.h"
#include "execution-service/archive/archive.h"

namespace mc::execution {

struct PurgeablePeriod {
  int k = 0;
  bool open = false;  // the current period: close it (Rotate) before dropping it
};

// What Drop did, and where its time went (for the purge's log).
struct DroppedPeriod {
  PurgeCounts counts;
  absl::Duration counting, detaching, dropping, resting;
};

struct PartitionPeriod {
  int k = 0;
  absl::Time opened;
  std::optional<absl::Time> closed;  // nullopt: the current period
};

class PartitionRepository {
 public:
  explicit PartitionRepository(pg::ConnectionPool& pool);

  [[nodiscard]] absl::StatusOr<int> Rotate(absl::Duration period, bool force);
  [[nodiscard]] absl::StatusOr<std::vector<PartitionPeriod>> Periods();
  [[nodiscard]] absl::StatusOr<std::vector<PurgeablePeriod>> Purgeable(
      const ArchiveCursor& acknowledged, absl::Duration retention);
  [[nodiscard]] absl::StatusOr<DroppedPeriod> Drop(int k, double rest = 0);

 private:
  pg::ConnectionPool& pool_;
};

}  // namespace mc::execution
