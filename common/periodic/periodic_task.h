// PeriodicTask: a background thread that calls a function again and again, `interval` apart
// (measured from the end of one call to the start of the next), until stopped. The first call
// comes at once (FirstRun::kAtOnce, the default) or after one interval (kAfterInterval). The one
// loop behind the services' background chores: metrics samplers, the health watcher, the
// workflow states' refresh, the execution instance's purge, the archiving scheduler.
//
// Stopping: RequestStop() ends the wait between two calls at once and starts no further call,
// without waiting for the call in progress; stop_requested() tells that call, so a long one can
// end early. Stop() (or the destructor) also waits for the call in progress, then joins. Never
// call Stop() from the function itself (it would wait for its own thread); RequestStop() is fine.
// No polling: the wait is on a mutex condition with a deadline.
//
// Failure modes: none of its own; the function must not throw (it reports its own errors).
// Thread-safe.
#pragma once

#include <functional>
#include <mutex>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace mc::periodic {

enum class FirstRun { kAtOnce, kAfterInterval };

class PeriodicTask {
 public:
  PeriodicTask(absl::Duration interval, std::function<void()> task,
               FirstRun first = FirstRun::kAtOnce);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // No further call; ends the wait at once. Does not wait for a call in progress.
  void RequestStop();
  // RequestStop(), then waits for the call in progress and joins the thread.
  void Stop();
  bool stop_requested() const;

 private:
  void Loop();
  // Waits at most `timeout` for a stop request; true when one came.
  bool WaitForStop(absl::Duration timeout);

  const absl::Duration interval_;
  const std::function<void()> task_;
  const FirstRun first_;
  mutable absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::once_flag joined_;
  std::thread thread_;  // last: starts once the members above are built
};

}  // namespace mc::periodic
