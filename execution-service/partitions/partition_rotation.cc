#include "execution-service/partitions/partition_rotation.h"

#include <algorithm>

namespace mc::execution {

void PartitionRotation::Tick() {
  absl::StatusOr<int> k = partitions_.Rotate(period_, false);
  if (!k.ok()) {
    if (!failing_) logger_.Warn("partition maintenance failed", {{"error", k.status().message()}});
    failing_ = true;
    return;
  }
  if (failing_) logger_.Info("partition maintenance works again", {{"partition", *k}});
  failing_ = false;
  if (current_ && *current_ != *k) {
    logger_.Info("partition rotated", {{"partition", *k}, {"previous", *current_}});
  }
  current_ = *k;
}

absl::Duration PartitionRotation::Interval(absl::Duration period) {
  return std::clamp(period / 10, absl::Seconds(1), absl::Seconds(60));
}

}  // namespace mc::execution
