// PurgeScheduler: runs ArchivePurge in the background: once at start, then every `interval`
// (the daily purge of the execution instance). Each replica runs its own; purges of replicas
// never delete an event twice, they only share the work. Failures are logged by ArchivePurge
// and retried at the next interval.
// Stop() (or the destructor) wakes the thread and waits for a purge in progress to end.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/time/time.h"
#include "execution-service/archive/archive_purge.h"

namespace mc::execution {

class PurgeScheduler {
 public:
  PurgeScheduler(ArchivePurge& purge, absl::Duration interval);
  ~PurgeScheduler();
  PurgeScheduler(const PurgeScheduler&) = delete;
  PurgeScheduler& operator=(const PurgeScheduler&) = delete;

  void Stop();

 private:
  void Loop();

  ArchivePurge& purge_;
  const absl::Duration interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mc::execution
