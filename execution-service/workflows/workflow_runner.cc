#include "execution-service/workflows/workflow_runner.h"

namespace mc::execution {

WorkflowRunner::WorkflowRunner(std::string name, WorkflowJob& job, WorkflowStates& states,
                               WorkflowRepository& repository, prometheus::Counter& runs,
                               prometheus::Counter& errors, log::Logger& logger)
    : name_(std::move(name)),
      job_(job),
      states_(states),
      repository_(repository),
      runs_(runs),
      errors_(errors),
      logger_(logger) {
  thread_ = std::thread([this] { Loop(); });
}

WorkflowRunner::~WorkflowRunner() { Stop(); }

void WorkflowRunner::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void WorkflowRunner::Loop() {
  while (!stopping_) {
    if (!states_.WaitUntilStarted(name_, absl::Milliseconds(500))) continue;
    absl::StatusOr<JobRun> run = job_.RunOnce();
    if (!run.ok()) {
      runs_.Increment();
      errors_.Increment();
      logger_.Warn("workflow run failed", {{"workflow", name_}, {"error", run.status().message()}});
      (void)repository_.RecordRun(name_, 0, 1, std::string(run.status().message()));
      job_.WaitForWork(absl::Seconds(1));
      continue;
    }
    if (run->processed > 0 || run->errors > 0) {
      runs_.Increment();
      if (run->errors > 0) errors_.Increment(static_cast<double>(run->errors));
      if (absl::Status s = repository_.RecordRun(name_, run->processed, run->errors, ""); !s.ok()) {
        logger_.Warn("workflow run not recorded", {{"workflow", name_}, {"error", s.message()}});
      }
    }
    if (!run->more && !stopping_) job_.WaitForWork(absl::Seconds(1));
  }
}

}  // namespace mc::execution
