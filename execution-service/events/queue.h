// Queue: the execution instance's two event queues (DOMAIN.md section 3), and the one place that
// says how a queue is named, numbered, stored and indexed:
//   QueueName        "rt" / "batch": metric labels, message ids, statement-name suffixes;
//   QueueTable       "rt_events" / "batch_events": the queue's table in the instance's schema;
//   QueueNumber      1 / 2: the queue's number where the schema stores one (templates.queue,
//                    delivery_logs.queue, the archive cursor); QueueFromNumber reads it back;
//   LaneOf           0 / 1: the index of per-queue arrays (counters, pending lists); QueueOfLane
//                    is its inverse, kQueues lists the queues in lane order.
// Pure, thread-safe.
#pragma once

#include "absl/strings/string_view.h"

namespace mc::execution {

enum class Queue { kRealTime = 1, kBatch = 2 };

inline constexpr int kLanes = 2;
inline constexpr Queue kQueues[kLanes] = {Queue::kRealTime, Queue::kBatch};

constexpr int LaneOf(Queue q) { return q == Queue::kRealTime ? 0 : 1; }
constexpr Queue QueueOfLane(int lane) { return lane == 0 ? Queue::kRealTime : Queue::kBatch; }
constexpr int QueueNumber(Queue q) { return static_cast<int>(q); }
// The schema holds only 1 and 2: anything but 1 is the batch queue.
constexpr Queue QueueFromNumber(int number) {
  return number == 1 ? Queue::kRealTime : Queue::kBatch;
}

absl::string_view QueueName(Queue q);
absl::string_view QueueTable(Queue q);

}  // namespace mc::execution
