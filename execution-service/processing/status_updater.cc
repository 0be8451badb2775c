#include "execution-service/processing/status_updater.h"

#include <algorithm>
#include <thread>

namespace mc::execution {

void StatusUpdater::WaitForWork(absl::Duration max) {
  const absl::Duration pause = std::min(pause_, max);
  if (pause > absl::ZeroDuration()) std::this_thread::sleep_for(absl::ToChronoNanoseconds(pause));
  wake_.Wait(max - pause);  // at once if woken during the pause
}

absl::StatusOr<JobRun> StatusUpdater::RunOnce() {
  FinalCounts finished;
  absl::StatusOr<int64_t> n = repository_.ApplyDeliveryStatuses(batch_size_, &finished);
  if (!n.ok()) return n.status();
  if (*n > 0 && applied_) applied_();
  for (Queue q : kQueues) {
    for (int status = 0; status < kEventStatuses; ++status) {
      metrics_.EventsFinished(q, static_cast<EventStatus>(status), finished.n[LaneOf(q)][status]);
    }
  }
  return JobRun{.processed = *n, .more = *n >= batch_size_};
}

}  // namespace mc::execution
