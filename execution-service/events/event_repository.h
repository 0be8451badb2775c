// EventRepository: the execution instance's event queues in PostgreSQL (tables rt_events and
// batch_events of the instance's schema, partitioned by period; see migrations/0001_events.sql
// and 0007_partitions.sql).
//
// InsertBatch() stores many events of one queue in ONE transaction and one commit, holding the
// partition lock shared from before it takes its ids (a rotation waits for it: the batch's ids
// are in one partition, and a later insertion into a newer partition sees its keys):
//  - fewer than kCopyThreshold events: one prepared multi-row INSERT ... ON CONFLICT DO NOTHING
//    (arrays + unnest) in its transaction;
//  - more: reserve the batch's ids in one statement, then COPY the rows (PostgreSQL's cheapest
//    way in: multi-row heap inserts). If an external id is already taken (unique violation) or
//    racing batches deadlock, that transaction rolls back and the INSERT above stores the batch.
//  Both insert in external-id order (bytewise) so racing batches take key locks in one order.
// External ids are idempotency keys: an event whose key is already in the queue (committed
// before in any partition, racing in another transaction, or earlier in the same batch) is not
// stored and gets the first event's id with duplicate = true. Each partition has its own unique
// index; the keys are also looked up in the older partitions (one probe each; the COPY path
// falls back to the INSERT when one is found there).
//
// GetStory() / GetStoryByExternalId(): the event with its story (event_story.h) in ONE
// statement: the event row, its template's name, its delivery log and its attempts (aggregated
// as JSON). Nothing is written: a story costs the events that never failed no row.
//
// List() walks the primary key newest first (both queues merged) under the filter; an external
// id is looked up through each partition's unique index instead (its own statement); an
// address is compared by its key (address_key(), as the quarantine compares it: an email's
// domain in any case, a phone number without separators); a template name matches the events
// routed to any of that name's versions in the queue.
//
// Cancel() / CancelByExternalId(): one transaction: Pending (0) becomes Cancelled (7) with
// final_xid and the webhooks of the subscriptions that want status 7 (webhook_outbox), in one
// statement that waits for a claim holding the row and checks Pending again on what it committed
// (a claimed event is left as it is); when nothing changed, the event as a new statement then
// reads it (absent, or the status that kept it). Scheduled events are Pending too.
//
// CountOpen() counts the events still waiting, per queue and status, through the partial
// indexes of migrations 0001/0002 (*_pending: status 0, *_delivering: status 1), so it reads
// only those index entries: for the mc_queue_events gauge.
//
// Failure modes: UNAVAILABLE when PostgreSQL is unreachable (nothing was stored, or for a
// connection lost during COMMIT "outcome unknown": a retry with the same external ids is safe);
// NOT_FOUND from the getters; INVALID_ARGUMENT if PostgreSQL rejects a value. Thread-safe (all
// state is in the pool).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/pg/connection_pool.h"
#include "execution-service/events/event.h"
#include "execution-service/events/event_story.h"

namespace mc::execution {

// What Cancel() did: `cancelled` when it cancelled the event; else `found`, the event as it is
// (nullopt: no such event).
struct CancelOutcome {
  struct Key {
    Queue queue = Queue::kRealTime;
    int64_t id = 0;
  };
  std::optional<Key> cancelled;
  std::optional<StoredEvent> found;
};

// Events waiting: [0 real-time, 1 batch][0 Pending, 1 Pending delivery].
struct OpenCounts {
  int64_t n[2][2] = {};
};

class EventRepository {
 public:
  // Registers the repository's prepared statements with the pool.
  explicit EventRepository(pg::ConnectionPool& pool);

  // Events must have been validated. Returns one outcome per event, in order.
  [[nodiscard]] absl::StatusOr<std::vector<InsertOutcome>> InsertBatch(
      Queue queue, absl::Span<const NewEvent> events);
  [[nodiscard]] absl::StatusOr<StoredEvent> GetById(int64_t id);
  [[nodiscard]] absl::StatusOr<StoredEvent> GetByExternalId(Queue queue,
                                                            const std::string& external_id);
  [[nodiscard]] absl::StatusOr<EventWithStory> GetStory(int64_t id);
  [[nodiscard]] absl::StatusOr<EventWithStory> GetStoryByExternalId(Queue queue,
                                                                    const std::string& external_id);
  [[nodiscard]] absl::StatusOr<EventPage> List(const EventFilter& filter);
  [[nodiscard]] absl::StatusOr<OpenCounts> CountOpen();
  [[nodiscard]] absl::StatusOr<CancelOutcome> Cancel(int64_t id);
  [[nodiscard]] absl::StatusOr<CancelOutcome> CancelByExternalId(Queue queue,
                                                                 const std::string& external_id);

 private:
  static constexpr size_t kCopyThreshold = 64;

  pg::ConnectionPool& pool_;
};

}  // namespace mc::execution
