#include "execution-service/archive/archive_purge.h"

#include "absl/strings/str_cat.h"

namespace mc::execution {

absl::StatusOr<PurgeCounts> ArchivePurge::Purge(std::optional<absl::Duration> retention) {
  const absl::Duration keep = retention.value_or(options_.retention);
  if (keep < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("retention: must not be negative");
  }
  std::lock_guard<std::mutex> lock(mu_);
  const absl::Time start = absl::Now();
  absl::StatusOr<ArchiveCursor> acknowledged = archive_.Acknowledged();
  absl::StatusOr<PurgeCounts> counts =
      acknowledged.ok() ? PurgeLocked(*acknowledged, keep) : acknowledged.status();
  const int64_t ms = absl::ToInt64Milliseconds(absl::Now() - start);
  if (!counts.ok()) {
    logger_.Warn("purge failed", {{"error", counts.status().message()},
                                  {"retention_seconds", absl::ToInt64Seconds(keep)},
                                  {"duration_ms", ms}});
    return counts;
  }
  logger_.Info("purge", {{"events_deleted", counts->events_deleted},
                         {"delivery_logs_deleted", counts->delivery_logs_deleted},
                         {"retention_seconds", absl::ToInt64Seconds(keep)},
                         {"acknowledged_xid", absl::StrCat(acknowledged->xid)},
                         {"duration_ms", ms}});
  return counts;
}

absl::StatusOr<PurgeCounts> ArchivePurge::PurgeLocked(const ArchiveCursor& acknowledged,
                                                      absl::Duration retention) {
  PurgeCounts total;
  if (acknowledged == ArchiveCursor()) return total;  // nothing acknowledged yet
  for (Queue queue : {Queue::kRealTime, Queue::kBatch}) {
    for (;;) {
      absl::StatusOr<PurgeCounts> batch =
          archive_.PurgeBatch(queue, acknowledged, retention, options_.batch_size);
      if (!batch.ok()) return batch.status();
      total.events_deleted += batch->events_deleted;
      total.delivery_logs_deleted += batch->delivery_logs_deleted;
      if (batch->events_deleted < options_.batch_size) break;
    }
  }
  return total;
}

}  // namespace mc::execution
