#include "common/periodic/periodic_task.h"

namespace mc::periodic {

PeriodicTask::PeriodicTask(absl::Duration interval, std::function<void()> task, FirstRun first)
    : interval_(interval), task_(std::move(task)), first_(first), thread_([this] { Loop(); }) {}

PeriodicTask::~PeriodicTask() { Stop(); }

void PeriodicTask::RequestStop() {
  absl::MutexLock lock(&mu_);
  stop_ = true;
}

void PeriodicTask::Stop() {
  RequestStop();
  std::call_once(joined_, [this] { thread_.join(); });
}

bool PeriodicTask::stop_requested() const {
  absl::MutexLock lock(&mu_);
  return stop_;
}

bool PeriodicTask::WaitForStop(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&stop_), timeout);
  return stop_;
}

void PeriodicTask::Loop() {
  if (first_ == FirstRun::kAfterInterval && WaitForStop(interval_)) return;
  while (!stop_requested()) {
    task_();
    if (WaitForStop(interval_)) return;
  }
}

}  // namespace mc::periodic
