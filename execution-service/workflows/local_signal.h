// LocalSignal: an in-process wake-up with a timeout (a condition variable and a flag), for
// workers woken by other workers of the same replica. Thread-safe.
#pragma once

#include <condition_variable>
#include <mutex>

#include "absl/time/time.h"

namespace mc::execution {

class LocalSignal {
 public:
  void Notify() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      signalled_ = true;
    }
    cv_.notify_all();
  }
  // True when notified (the notification is consumed), false after `max`.
  bool Wait(absl::Duration max) {
    std::unique_lock<std::mutex> lock(mu_);
    bool got = cv_.wait_for(lock, absl::ToChronoMilliseconds(max), [this] { return signalled_; });
    signalled_ = false;
    return got;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool signalled_ = false;
};

}  // namespace mc::execution
