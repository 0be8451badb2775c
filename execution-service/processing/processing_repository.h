// ProcessingRepository: the set-wise statements of the technical workflows.
//
// Each call is one statement, its own transaction. The pool must have SessionSettings().
// ClaimAndRoute (rtEventsProcessing / batchEventsProcessing):
//  - claims up to `limit` due Pending events of the queue (FOR UPDATE SKIP LOCKED, id order;
//    events scheduled for later are skipped), links each to the most recently published
//    template for its (type, channel): Pending delivery with a delivery lease; no template:
//    Event not taken into account; past its expiration: Expired; records when each was first
//    taken up (routed_at);
//  - re-claims Pending-delivery events whose lease ran out and that have no delivery log (a
//    replica died while delivering, or a soft failure's retry time came).
// RecordOutcomes: the delivery logs (at most one per event, whoever writes
// it), quarantined addresses, and the retry time of soft failures.
// Quarantine and deny-list rows hold address keys (AddressKey(), events/address_key.h): an
// event is quarantined when its address's key is there, and RecordOutcomes stores the key of
// each address it is given.
// ApplyDeliveryStatuses (updateEventStatus): copies each delivery log's outcome onto its event,
// in batches, both queues, one transaction (three statements).
// A final status (2 to 6) is always set together with final_xid, the setting transaction's id
// (see execution-service/archive/archive_repository.h).
// Failure modes: UNAVAILABLE when PostgreSQL is unreachable (nothing of the call applied).
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/pg/connection_pool.h"
#include "execution-service/events/event.h"

namespace mc::execution {

struct DeliveryItem {
  int64_t id = 0;
  NewEvent event;
  int64_t template_id = 0;
  int template_version = 0;
  int tries = 0;             // delivery tries already made
  bool quarantined = false;  // the address's key is in quarantine or on the deny list
  bool expired = false;      // past the event's expiration
  absl::Duration age;        // since the event was received, when it was claimed
};

struct RouteResult {
  int64_t claimed = 0;  // Pending events taken by this run
  int64_t not_taken = 0;
  int64_t expired = 0;
  std::vector<DeliveryItem> to_deliver;  // newly routed and re-claimed
};

struct DeliveryRecord {
  int64_t event_id = 0;
  int channel = 0;
  std::string address;
  int64_t template_id = 0;
  int template_version = 0;
  EventStatus status = EventStatus::kSent;  // kSent, kIgnoredByDelivery, kDeliveryFailed, kExpired
  std::string failure_type;                 // "", "hard" or "soft"
  std::string failure_reason;
  int tries = 0;
  std::string message_id;
};

struct QuarantineEntry {
  int channel = 0;
  std::string address;  // stored as its key
  std::string reason;
};

// Events made final by one call: [0 real-time, 1 batch][status number].
struct FinalCounts {
  int64_t n[2][7] = {};
};

struct RetryEntry {
  int64_t event_id = 0;
  absl::Duration delay;
};

class ProcessingRepository {
 public:
  // For the pool's PoolOptions::session_settings: claims must read indexes in order.
  static std::vector<std::string> SessionSettings() { return {"SET enable_bitmapscan = off"}; }

  explicit ProcessingRepository(pg::ConnectionPool& pool);

  absl::StatusOr<RouteResult> ClaimAndRoute(Queue queue, int limit, absl::Duration lease);
  absl::Status RecordOutcomes(Queue queue, const std::vector<DeliveryRecord>& records,
                              const std::vector<QuarantineEntry>& quarantine,
                              const std::vector<RetryEntry>& retries);
  // Returns how many delivery logs were applied; `finished` (optional) gets how many events
  // took each final status.
  absl::StatusOr<int64_t> ApplyDeliveryStatuses(int limit, FinalCounts* finished = nullptr);

 private:
  pg::ConnectionPool& pool_;
};

}  // namespace mc::execution
