// HealthWatcher: keeps a server's health status in step with a dependency. A background
// thread calls `probe` (for the services: pg::ConnectionPool::Ping) every `interval`; when
// the outcome changes it calls `set_serving` (GrpcServer::SetServing) and logs the change:
// NOT_SERVING while the probe fails, SERVING again once it succeeds. The first probe runs at
// once; `set_serving` is called for it only when it fails (the server starts SERVING).
//
// Failure modes: a probe that blocks delays the next one (the pool's own timeouts bound it);
// Stop() waits for a probe in progress. The loop is a periodic::PeriodicTask. Stop() before
// shutting the server down, so that the watcher never sets SERVING again after the shutdown set
// NOT_SERVING. Thread-safe; serving() may be read from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/log/logger.h"
#include "common/periodic/periodic_task.h"

namespace mc::health {

struct HealthWatcherOptions {
  absl::Duration interval = absl::Seconds(1);
  // Names the dependency in the log lines, e.g. "PostgreSQL".
  std::string dependency = "PostgreSQL";
};

class HealthWatcher {
 public:
  HealthWatcher(std::function<absl::Status()> probe, std::function<void(bool)> set_serving,
                HealthWatcherOptions options, log::Logger& logger);
  ~HealthWatcher();
  HealthWatcher(const HealthWatcher&) = delete;
  HealthWatcher& operator=(const HealthWatcher&) = delete;

  // The status last given to set_serving (true before any failure).
  bool serving() const { return serving_; }
  void Stop();

 private:
  void Check();

  const std::function<absl::Status()> probe_;
  const std::function<void(bool)> set_serving_;
  const HealthWatcherOptions options_;
  log::Logger& logger_;
  std::atomic<bool> serving_{true};
  periodic::PeriodicTask task_;  // last: its first probe runs at once
};

}  // namespace mc::health
