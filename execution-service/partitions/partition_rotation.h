// PartitionRotation: the instance's partition maintenance, one Tick() per interval of a
// periodic task (ExecutionInstance runs it on every replica; the rotations themselves run one
// at a time, see PartitionRepository::Rotate). A tick keeps the next partition made ahead and
// opens it once the current period is `period` old.
//
// Logs each rotation ("partition rotated", with the new partition), a failure once when it
// starts and once when ticks succeed again (an outage of PostgreSQL logs two lines, not one per
// tick). Failure modes: none returned (the next tick retries). Tick() from one thread at a time.
#pragma once

#include <optional>

#include "absl/time/time.h"
#include "common/log/logger.h"
#include "execution-service/partitions/partition_repository.h"

namespace mc::execution {

class PartitionRotation {
 public:
  PartitionRotation(PartitionRepository& partitions, absl::Duration period, log::Logger& logger)
      : partitions_(partitions), period_(period), logger_(logger) {}

  void Tick();

  // How often to tick for `period`: a tenth of it, between 1 s and 60 s.
  static absl::Duration Interval(absl::Duration period);

 private:
  PartitionRepository& partitions_;
  const absl::Duration period_;
  log::Logger& logger_;
  std::optional<int> current_;
  bool failing_ = false;
};

}  // namespace mc::execution
