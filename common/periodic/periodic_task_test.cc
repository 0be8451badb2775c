// PeriodicTask: when calls come and how stopping ends them. No assertion on elapsed time: each
// test waits for the events it needs (a minute at most, a guard against a hang) and checks
// counts, so a slow machine can only make it slower, never make it fail.
#include "common/periodic/periodic_task.h"

#include <catch2/catch.hpp>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"

namespace mc::periodic {
namespace {

constexpr absl::Duration kHangGuard = absl::Minutes(1);

// Counts calls; lets a test wait until there were `n`.
class CallCount {
 public:
  void Add() {
    absl::MutexLock lock(&mu_);
    ++n_;
  }
  int n() {
    absl::MutexLock lock(&mu_);
    return n_;
  }
  bool WaitFor(int n) {
    absl::MutexLock lock(&mu_);
    auto reached = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return n_ >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), kHangGuard);
  }

 private:
  absl::Mutex mu_;
  int n_ ABSL_GUARDED_BY(mu_) = 0;
};

TEST_CASE("the first call comes at once, then one per interval until stopped") {
  CallCount calls;
  PeriodicTask task(absl::Milliseconds(1), [&] { calls.Add(); });
  REQUIRE(calls.WaitFor(3));
  task.Stop();
  const int after_stop = calls.n();
  task.Stop();  // a second Stop (and the destructor) is harmless
  CHECK(calls.n() == after_stop);
  CHECK(task.stop_requested());
}

TEST_CASE("with a long interval, a stop ends the wait at once: one call, no second") {
  CallCount calls;
  // Were the wait not ended by the stop, this test would wait for an hour.
  PeriodicTask task(absl::Hours(1), [&] { calls.Add(); });
  REQUIRE(calls.WaitFor(1));
  task.Stop();
  CHECK(calls.n() == 1);
}

TEST_CASE("kAfterInterval: no call before the first interval") {
  CallCount calls;
  {
    PeriodicTask task(
        absl::Hours(1), [&] { calls.Add(); }, FirstRun::kAfterInterval);
  }  // the destructor stops it during its first wait
  CHECK(calls.n() == 0);

  PeriodicTask soon(
      absl::Milliseconds(1), [&] { calls.Add(); }, FirstRun::kAfterInterval);
  REQUIRE(calls.WaitFor(2));
}

TEST_CASE("RequestStop returns while a call runs; the call sees it; no call follows") {
  CallCount calls;
  absl::Notification entered, release;
  bool seen_inside = false;
  PeriodicTask* self = nullptr;
  absl::Notification built;
  PeriodicTask task(absl::ZeroDuration(), [&] {
    built.WaitForNotification();
    calls.Add();
    if (entered.HasBeenNotified()) return;
    entered.Notify();
    release.WaitForNotification();
    seen_inside = self->stop_requested();
  });
  self = &task;
  built.Notify();
  REQUIRE(entered.WaitForNotificationWithTimeout(kHangGuard));
  task.RequestStop();  // returns although the call is blocked
  CHECK(task.stop_requested());
  release.Notify();
  task.Stop();
  CHECK(seen_inside);
  CHECK(calls.n() == 1);
}

TEST_CASE("RequestStop from inside the function ends the loop after that call") {
  CallCount calls;
  absl::Notification built, second;
  PeriodicTask* self = nullptr;
  PeriodicTask task(absl::ZeroDuration(), [&] {
    built.WaitForNotification();
    calls.Add();
    if (calls.n() == 2) {
      self->RequestStop();
      second.Notify();
    }
  });
  self = &task;
  built.Notify();
  REQUIRE(second.WaitForNotificationWithTimeout(kHangGuard));
  CHECK(task.stop_requested());
  task.Stop();
  CHECK(calls.n() == 2);
}

}  // namespace
}  // namespace mc::periodic
