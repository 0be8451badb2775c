// PeriodicTask: a background thread that calls a function at once, then every `interval`
// (measured from the end of the previous call), until Stop(). For metrics sampled from the
// database, such as queue lengths.
//
// Failure modes: none of its own; the function must not throw (it reports its errors itself).
// Stop() (or the destructor) wakes the thread, lets a call in progress finish, and joins.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/time/time.h"

namespace mc::metrics {

class PeriodicTask {
 public:
  PeriodicTask(absl::Duration interval, std::function<void()> task);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void Stop();

 private:
  void Loop();

  const absl::Duration interval_;
  const std::function<void()> task_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace mc::metrics
