#include "execution-service/archive/archive_purge.h"

#include <vector>

#include "absl/strings/str_cat.h"

namespace mc::execution {

absl::StatusOr<PurgeCounts> ArchivePurge::Purge(std::optional<absl::Duration> retention) {
  const absl::Duration keep = retention.value_or(options_.retention);
  if (keep < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("retention: must not be negative");
  }
  std::lock_guard<std::mutex> lock(mu_);
  const absl::Time start = absl::Now();
  int periods = 0;
  absl::StatusOr<PurgeCounts> counts = PurgeLocked(keep, &periods);
  const int64_t ms = absl::ToInt64Milliseconds(absl::Now() - start);
  if (!counts.ok()) {
    logger_.Warn("purge failed", {{"error", counts.status().message()},
                                  {"retention_seconds", absl::ToInt64Seconds(keep)},
                                  {"duration_ms", ms}});
    return counts;
  }
  logger_.Info("purge", {{"events_deleted", counts->events_deleted},
                         {"delivery_logs_deleted", counts->delivery_logs_deleted},
                         {"periods_dropped", periods},
                         {"retention_seconds", absl::ToInt64Seconds(keep)},
                         {"duration_ms", ms}});
  return counts;
}

absl::StatusOr<PurgeCounts> ArchivePurge::PurgeLocked(absl::Duration retention, int* periods) {
  PurgeCounts total;
  absl::StatusOr<ArchiveCursor> acknowledged = archive_.Acknowledged();
  if (!acknowledged.ok()) return acknowledged.status();
  if (*acknowledged == ArchiveCursor()) return total;  // nothing acknowledged yet
  absl::StatusOr<std::vector<PurgeablePeriod>> purgeable =
      partitions_.Purgeable(*acknowledged, retention);
  if (!purgeable.ok()) return purgeable.status();
  // The current period qualifies (everything in it archived and past retention): close it, then
  // ask again, since events may have come in meanwhile.
  if (!purgeable->empty() && purgeable->back().open) {
    absl::StatusOr<int> rotated = partitions_.Rotate(absl::ZeroDuration(), true);
    if (!rotated.ok()) return rotated.status();
    purgeable = partitions_.Purgeable(*acknowledged, retention);
    if (!purgeable.ok()) return purgeable.status();
  }
  for (const PurgeablePeriod& p : *purgeable) {
    if (p.open) continue;
    const absl::Time start = absl::Now();
    absl::StatusOr<DroppedPeriod> period = partitions_.Drop(p.k, options_.rest);
    if (!period.ok()) return period.status();
    const PurgeCounts& dropped = period->counts;
    logger_.Info("period dropped",
                 {{"partition", p.k},
                  {"events", dropped.events_deleted},
                  {"delivery_logs", dropped.delivery_logs_deleted},
                  {"counting_ms", absl::ToInt64Milliseconds(period->counting)},
                  {"detaching_ms", absl::ToInt64Milliseconds(period->detaching)},
                  {"dropping_ms", absl::ToInt64Milliseconds(period->dropping)},
                  {"resting_ms", absl::ToInt64Milliseconds(period->resting)},
                  {"duration_ms", absl::ToInt64Milliseconds(absl::Now() - start)}});
    total.events_deleted += dropped.events_deleted;
    total.delivery_logs_deleted += dropped.delivery_logs_deleted;
    ++*periods;
  }
  return total;
}

}  // namespace mc::execution
