// PerQueue<T>: one T for each queue, indexed by Queue — typically a statement's real-time and
// batch forms, made once (queue_statements.h). Iterates in lane order (queue.h).
// Immutable after construction: thread-safe.
#pragma once

#include <array>

#include "execution-service/events/queue.h"

namespace mc::execution {

template <typename T>
class PerQueue {
 public:
  // `make(queue)` makes the queue's value.
  template <typename Make>
  explicit PerQueue(Make make) : values_{make(Queue::kRealTime), make(Queue::kBatch)} {}

  const T& operator[](Queue q) const { return values_[LaneOf(q)]; }
  const T* begin() const { return values_.data(); }
  const T* end() const { return values_.data() + values_.size(); }

 private:
  std::array<T, kLanes> values_;
};

}  // namespace mc::execution
