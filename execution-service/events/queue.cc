#include "execution-service/events/queue.h"

namespace mc::execution {

absl::string_view QueueName(Queue q) { return q == Queue::kRealTime ? "rt" : "batch"; }

absl::string_view QueueTable(Queue q) {
  return q == Queue::kRealTime ? "rt_events" : "batch_events";
}

}  // namespace mc::execution
