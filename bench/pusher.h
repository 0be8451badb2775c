// Pusher: the benchmarks' paced load. Batches of `batch` real-time events from `streams`
// threads, each request built when it is due (memory stays flat whatever the volume): batch k
// leaves at start + k x batch / rate (rate 0: as fast as the service accepts), until `events`
// are pushed (events > 0) or `until`. Event n is make_event(first_n + n). Counts what the
// service acknowledged and what it did not (a failed call is printed on stderr).
// Used by the sustained phase (s) and the webhook phase's paced run (w).
// Failure modes: none (a failed PushEvents counts its events as failed). Thread-safe readers;
// Join from the owning thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "messagecenter/v1/events.pb.h"

namespace mc::bench {

struct PushTarget {
  std::string address;  // the execution service
  std::string token;    // a bearer token that may push
  std::function<messagecenter::v1::Event(int64_t)> make_event;
};

struct PushPlan {
  int streams = 4;
  int batch = 500;
  int rate = 0;        // events/s; 0: as fast as it goes
  int64_t events = 0;  // 0: until `until`
  absl::Time until = absl::InfiniteFuture();
  int64_t first_n = 0;
};

class Pusher {
 public:
  Pusher(PushTarget target, PushPlan plan);  // starts pushing at once
  ~Pusher() { Join(); }
  void Join();
  absl::Time start() const { return start_; }
  int64_t acked() const { return acked_; }
  int64_t failed() const { return failed_; }

 private:
  void Stream();

  const PushTarget target_;
  const PushPlan plan_;
  const absl::Time start_;
  std::atomic<int64_t> next_batch_{0}, acked_{0}, failed_{0};
  std::vector<std::thread> threads_;
};

}  // namespace mc::bench
