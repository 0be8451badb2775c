// WorkflowStates: this replica's view of the workflows' states, refreshed from PostgreSQL
// every `refresh` (and at once after a local change), so that every replica of an instance
// follows a start, pause or stop within that delay.
//
// WaitUntilStarted() blocks until the workflow is started or the timeout passes; Stop() wakes
// every waiter for shutdown and ends the refresh (a periodic::PeriodicTask, its first run one
// `refresh` after construction). If PostgreSQL is unreachable the last known states are kept.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

#include "common/log/logger.h"
#include "common/periodic/periodic_task.h"
#include "execution-service/workflows/workflow_repository.h"

namespace mc::execution {

class WorkflowStates {
 public:
  WorkflowStates(WorkflowRepository& repository, absl::Duration refresh, log::Logger& logger);
  ~WorkflowStates();

  // Reads the states once now (call before starting runners).
  void Refresh();
  void Set(const std::string& name, WorkflowState state);
  bool IsStarted(const std::string& name);
  // True when started; false after the timeout or when stopping.
  bool WaitUntilStarted(const std::string& name, absl::Duration timeout);
  void Stop();

 private:
  WorkflowRepository& repository_;
  log::Logger& logger_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, WorkflowState> states_;
  bool stopping_ = false;
  periodic::PeriodicTask refresh_;  // last: starts once the members above are built
};

}  // namespace mc::execution
