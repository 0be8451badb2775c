// EventRepository: the execution instance's event queues in PostgreSQL (tables rt_events and
// batch_events of the instance's schema; see migrations/0001_events.sql).
//
// InsertBatch() stores many events of one queue in ONE transaction with one multi-row
// statement (arrays + unnest, prepared once), so a batch costs one round trip and one commit.
// External ids are idempotency keys: an event whose key is already in the queue (committed
// before, racing in another transaction, or earlier in the same batch) is not stored and gets
// the first event's id with duplicate = true. Rows are inserted in external-id order so two
// racing batches always take the key locks in the same order (no deadlock).
//
// Failure modes: UNAVAILABLE when PostgreSQL is unreachable (nothing was stored, or for a
// connection lost during COMMIT "outcome unknown": a retry with the same external ids is safe);
// NOT_FOUND from the getters; INVALID_ARGUMENT if PostgreSQL rejects a value. Thread-safe (all
// state is in the pool).
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/pg/connection_pool.h"
#include "execution-service/events/event.h"

namespace mc::execution {

class EventRepository {
 public:
  // Registers the repository's prepared statements with the pool.
  explicit EventRepository(pg::ConnectionPool& pool);

  // Events must have been validated. Returns one outcome per event, in order.
  absl::StatusOr<std::vector<InsertOutcome>> InsertBatch(Queue queue,
                                                         absl::Span<const NewEvent> events);
  absl::StatusOr<StoredEvent> GetById(int64_t id);
  absl::StatusOr<StoredEvent> GetByExternalId(Queue queue, const std::string& external_id);
  absl::StatusOr<EventPage> List(const EventFilter& filter);

 private:
  pg::ConnectionPool& pool_;
};

}  // namespace mc::execution
