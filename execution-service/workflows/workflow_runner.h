// WorkflowRunner: runs one technical workflow's job on this replica while the workflow is
// started: RunOnce() again at once while it reports more work, else WaitForWork() for at most
// `idle_wait` (a notification ends it sooner; a job without one polls at that interval: the
// batch lane, --batch_poll_ms). Runs are counted at once in `runs` and `errors`
// (mc_workflow_runs_total / _errors_total): runs that processed something or failed; failed
// runs plus the errors runs report. On the workflow itself (last run, processed, errors, last
// error) they are recorded at most once per `record_every`, summed, so that a busy lane does
// not write a row and wait for a commit between two batches; a failed run is recorded at once,
// and what is pending is recorded when the runner stops.
// A failing run is retried after a pause of a second; it never stops the runner.
// RequestStop() ends the job's wait (WorkflowJob::Wake), so stopping never waits out a long
// poll interval; Stop() lets the current run finish, then joins. Thread-safe.
#pragma once

#include <prometheus/counter.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "common/log/logger.h"
#include "execution-service/workflows/workflow_repository.h"
#include "execution-service/workflows/workflow_states.h"

namespace mc::execution {

struct JobRun {
  int64_t processed = 0;  // events handled by this run
  int64_t errors = 0;     // events that failed in it (delivery failures are outcomes, not errors)
  bool more = false;      // a full batch: run again without waiting
};

class WorkflowJob {
 public:
  virtual ~WorkflowJob() = default;
  [[nodiscard]] virtual absl::StatusOr<JobRun> RunOnce() = 0;
  // Returns when work may be there, or after `max`, or soon after Wake().
  virtual void WaitForWork(absl::Duration max) = 0;
  // Ends a WaitForWork in progress, or makes the next one return at once (called from another
  // thread, on stop). A job whose waits are short anyway may ignore it.
  virtual void Wake() {}
};

struct RunnerTiming {
  // The longest wait after a run that found nothing to do.
  absl::Duration idle_wait = absl::Seconds(1);
  // How often at most the runs' counts are written onto the workflow.
  absl::Duration record_every = absl::Seconds(1);
};

class WorkflowRunner {
 public:
  WorkflowRunner(std::string name, WorkflowJob& job, WorkflowStates& states,
                 WorkflowRepository& repository, prometheus::Counter& runs,
                 prometheus::Counter& errors, log::Logger& logger, RunnerTiming timing = {});
  ~WorkflowRunner();
  // Asks the runner to stop after its current run (ending its wait), without waiting.
  void RequestStop();
  // RequestStop, then waits for the current run to end.
  void Stop();

 private:
  void Loop();
  // Records on the workflow what runs processed since the last record, and `error`.
  void Record(const std::string& error);
  // Records what is pending once `record_every` passed since the last record.
  void RecordIfDue();
  bool HasPending() const { return pending_processed_ > 0 || pending_errors_ > 0; }

  const std::string name_;
  WorkflowJob& job_;
  WorkflowStates& states_;
  WorkflowRepository& repository_;
  prometheus::Counter& runs_;
  prometheus::Counter& errors_;
  log::Logger& logger_;
  const RunnerTiming timing_;
  // Owned by the runner's thread.
  int64_t pending_processed_ = 0;
  int64_t pending_errors_ = 0;
  absl::Time last_record_ = absl::InfinitePast();
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace mc::execution
