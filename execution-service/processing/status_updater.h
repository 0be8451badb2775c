// StatusUpdater: the job of updateEventStatus: copies delivery outcomes onto events, in batches
// (ProcessingRepository::ApplyDeliveryStatuses), and counts the events made final
// (mc_events_finished_total).
//
// Failure modes: a run fails with the repository's error; logs it did not apply are taken by a
// later run. Thread-safe enough for its runner: RunOnce and WaitForWork are
// called from one thread, Wake from any.
#pragma once

#include <functional>

#include "absl/time/time.h"
#include "execution-service/metrics/execution_metrics.h"
#include "execution-service/processing/processing_repository.h"
#include "execution-service/workflows/local_signal.h"
#include "execution-service/workflows/workflow_runner.h"

namespace mc::execution {

class StatusUpdater final : public WorkflowJob {
 public:
  // `pause`: after a run that found less than a full batch, how long to let outcomes gather
  // before the next run (woken or not): a few large batches cost PostgreSQL less than many
  // small ones; statuses lag delivery by about that much.
  // `applied` (may be empty) is called after a run made events final (their webhooks are
  // queued: it wakes webhookDelivery).
  StatusUpdater(ProcessingRepository& repository, int batch_size, absl::Duration pause,
                LocalSignal& wake, ExecutionMetrics& metrics,
                std::function<void()> applied = nullptr)
      : repository_(repository),
        batch_size_(batch_size),
        pause_(pause),
        wake_(wake),
        metrics_(metrics),
        applied_(std::move(applied)) {}

  [[nodiscard]] absl::StatusOr<JobRun> RunOnce() override;
  void WaitForWork(absl::Duration max) override;
  void Wake() override { wake_.Notify(); }

 private:
  ProcessingRepository& repository_;
  const int batch_size_;
  const absl::Duration pause_;
  LocalSignal& wake_;
  ExecutionMetrics& metrics_;
  const std::function<void()> applied_;
};

}  // namespace mc::execution
