#include "execution-service/events/queue.h"

#include <catch2/catch.hpp>

#include "execution-service/events/per_queue.h"
#include "execution-service/events/queue_statements.h"

namespace mc::execution {
namespace {

TEST_CASE("a queue's name, table, number and lane") {
  CHECK(QueueName(Queue::kRealTime) == "rt");
  CHECK(QueueName(Queue::kBatch) == "batch");
  CHECK(QueueTable(Queue::kRealTime) == "rt_events");
  CHECK(QueueTable(Queue::kBatch) == "batch_events");
  CHECK(QueueNumber(Queue::kRealTime) == 1);
  CHECK(QueueNumber(Queue::kBatch) == 2);
  for (Queue q : kQueues) {
    CHECK(QueueFromNumber(QueueNumber(q)) == q);
    CHECK(QueueOfLane(LaneOf(q)) == q);
  }
  CHECK(LaneOf(Queue::kRealTime) == 0);
  CHECK(LaneOf(Queue::kBatch) == 1);
  CHECK(kQueues[0] == Queue::kRealTime);
}

TEST_CASE("a statement's per-queue forms: {T} the table, {Q} the number, the name suffixed") {
  CHECK(QueueSql("SELECT {Q} FROM {T} WHERE queue = {Q}", Queue::kBatch) ==
        "SELECT 2 FROM batch_events WHERE queue = 2");
  const PerQueue<pg::Statement> s = QueueStatements("purge", "DELETE FROM {T}");
  CHECK(s[Queue::kRealTime].name() == "purge_rt");
  CHECK(s[Queue::kRealTime].sql() == "DELETE FROM rt_events");
  CHECK(s[Queue::kBatch].name() == "purge_batch");
  CHECK(s[Queue::kBatch].sql() == "DELETE FROM batch_events");
  int n = 0;
  for (const pg::Statement& each : s) n += each.name().empty() ? 0 : 1;
  CHECK(n == 2);
}

}  // namespace
}  // namespace mc::execution
