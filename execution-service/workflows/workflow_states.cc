#include "execution-service/workflows/workflow_states.h"

namespace mc::execution {

WorkflowStates::WorkflowStates(WorkflowRepository& repository, absl::Duration refresh,
                               log::Logger& logger)
    : repository_(repository),
      logger_(logger),
      refresh_(
          refresh, [this] { Refresh(); }, periodic::FirstRun::kAfterInterval) {}

WorkflowStates::~WorkflowStates() { Stop(); }

void WorkflowStates::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  refresh_.Stop();
}

void WorkflowStates::Refresh() {
  absl::StatusOr<std::vector<WorkflowInfo>> list = repository_.List();
  if (!list.ok()) {
    logger_.Debug("workflow states not refreshed", {{"error", list.status().message()}});
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const WorkflowInfo& w : *list) states_[w.internal_name] = w.state;
  }
  cv_.notify_all();
}

void WorkflowStates::Set(const std::string& name, WorkflowState state) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    states_[name] = state;
  }
  cv_.notify_all();
}

bool WorkflowStates::IsStarted(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = states_.find(name);
  return it != states_.end() && it->second == WorkflowState::kStarted;
}

bool WorkflowStates::WaitUntilStarted(const std::string& name, absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] {
    if (stopping_) return true;
    auto it = states_.find(name);
    return it != states_.end() && it->second == WorkflowState::kStarted;
  }) && !stopping_;
}

}  // namespace mc::execution
