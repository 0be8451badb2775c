// GroupCommitter: turns many concurrent pushes into few transactions.
//
// Callers Submit() a list of validated events and block until their events are durable
// (committed) or have failed; or SubmitAsync() them with a callback, run on a writer thread once
// they are (so no thread waits per call). A few writer threads each take every request pending for
// one queue (up to max_rows_per_commit rows, but never split a request) and store them with one
// EventRepository::InsertBatch, i.e. one statement and one commit. Under load, batches grow by
// themselves; with one caller, latency is one round trip and one commit. Per queue, a write
// starts while another of that queue is in flight only when at least parallel_min_rows rows
// wait: small requests at a steady rate (single real-time events) gather into the next
// statement instead of taking a statement and a commit each, while bulk pushes keep every
// writer busy, and a real-time event never waits behind a batch write. The two queues are
// served in turn, so neither starves the other.
//
// Isolation: a request is never half-written. If PostgreSQL refuses a value (INVALID_ARGUMENT),
// the group is retried request by request, so one bad request cannot fail the others.
// Failure modes: the repository's (UNAVAILABLE, ...) for every request of the failed group;
// UNAVAILABLE "shutting down" after Stop(). Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "common/log/logger.h"
#include "execution-service/events/event_repository.h"

namespace mc::execution {

struct CommitterOptions {
  int writers = 4;
  int max_rows_per_commit = 5000;
  int parallel_min_rows = 100;
};

class GroupCommitter {
 public:
  GroupCommitter(EventRepository& repository, CommitterOptions options, log::Logger& logger);
  ~GroupCommitter();

  using Done = std::function<void(absl::StatusOr<std::vector<InsertOutcome>>)>;

  [[nodiscard]] absl::StatusOr<std::vector<InsertOutcome>> Submit(Queue queue,
                                                                  std::vector<NewEvent> events);
  // `done` runs exactly once: on a writer thread, or inline when refused (after Stop) or empty.
  void SubmitAsync(Queue queue, std::vector<NewEvent> events, Done done);

  // Refuses new requests, lets the writers finish every pending one, and joins them.
  void Stop();

 private:
  struct Request {
    std::vector<NewEvent> events;
    Done done;
  };
  void WriterLoop();
  // Whether a writer may take the lane's pending requests now. Requires mu_.
  bool Startable(int lane, size_t parallel_min_rows) const;
  void Write(Queue queue, std::vector<std::unique_ptr<Request>>& group);

  EventRepository& repository_;
  const CommitterOptions options_;
  log::Logger& logger_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Request>> pending_[2];  // [0] real-time, [1] batch
  size_t pending_rows_[2] = {0, 0};
  int writing_[2] = {0, 0};  // writes in flight
  int next_lane_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> writers_;
};

}  // namespace mc::execution
