#include "execution-service/workflows/workflow_runner.h"

#include <algorithm>

namespace mc::execution {

WorkflowRunner::WorkflowRunner(std::string name, WorkflowJob& job, WorkflowStates& states,
                               WorkflowRepository& repository, prometheus::Counter& runs,
                               prometheus::Counter& errors, log::Logger& logger,
                               RunnerTiming timing)
    : name_(std::move(name)),
      job_(job),
      states_(states),
      repository_(repository),
      runs_(runs),
      errors_(errors),
      logger_(logger),
      timing_(timing) {
  thread_ = std::thread([this] { Loop(); });
}

WorkflowRunner::~WorkflowRunner() { Stop(); }

void WorkflowRunner::RequestStop() {
  stopping_ = true;
  job_.Wake();
}

void WorkflowRunner::Stop() {
  RequestStop();
  if (thread_.joinable()) thread_.join();
}

void WorkflowRunner::Record(const std::string& error) {
  if (absl::Status s = repository_.RecordRun(name_, pending_processed_, pending_errors_, error);
      !s.ok()) {
    logger_.Warn("workflow run not recorded", {{"workflow", name_}, {"error", s.message()}});
    return;  // kept for the next record
  }
  pending_processed_ = 0;
  pending_errors_ = 0;
  last_record_ = absl::Now();
}

void WorkflowRunner::RecordIfDue() {
  if (HasPending() && absl::Now() - last_record_ >= timing_.record_every) Record("");
}

void WorkflowRunner::Loop() {
  while (!stopping_) {
    RecordIfDue();
    if (!states_.WaitUntilStarted(name_, absl::Milliseconds(500))) continue;
    absl::StatusOr<JobRun> run = job_.RunOnce();
    if (!run.ok()) {
      runs_.Increment();
      errors_.Increment();
      logger_.Warn("workflow run failed", {{"workflow", name_}, {"error", run.status().message()}});
      ++pending_errors_;
      Record(std::string(run.status().message()));
      job_.WaitForWork(absl::Seconds(1));
      continue;
    }
    if (run->processed > 0 || run->errors > 0) {
      runs_.Increment();
      if (run->errors > 0) errors_.Increment(static_cast<double>(run->errors));
      pending_processed_ += run->processed;
      pending_errors_ += run->errors;
      RecordIfDue();  // the first run after a quiet spell is recorded at once
    }
    if (run->more || stopping_) continue;
    absl::Duration wait = timing_.idle_wait;
    if (HasPending()) {
      wait = std::clamp(last_record_ + timing_.record_every - absl::Now(), absl::Milliseconds(1),
                        wait);
    }
    job_.WaitForWork(wait);
  }
  if (HasPending()) Record("");
}

}  // namespace mc::execution
