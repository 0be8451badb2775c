// ProcessingRepository: the set-wise statements of the technical workflows; EventProcessor's
// DeliveryStore (processing/delivery_store.h) on PostgreSQL.
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
// event is quarantined when an entry that suppresses now (mc_suppresses(), migration 0009)
// holds its address's key, and RecordOutcomes stores the key of each address it is given, as
// a hard entry caused by its event (a deny entry is never turned into quarantine).
// ApplyDeliveryStatuses (updateEventStatus): copies each delivery log's outcome onto its event,
// in batches, both queues, one transaction (three statements).
// A final status (2 to 7) is always set together with final_xid, the setting transaction's id
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
#include "execution-service/processing/delivery_store.h"

namespace mc::execution {

// Events made final by one call: [0 real-time, 1 batch][status number].
struct FinalCounts {
  int64_t n[2][kEventStatuses] = {};
};

class ProcessingRepository final : public DeliveryStore {
 public:
  // For the pool's PoolOptions::session_settings: claims must read indexes in order.
  static std::vector<std::string> SessionSettings() { return {"SET enable_bitmapscan = off"}; }

  explicit ProcessingRepository(pg::ConnectionPool& pool);

  [[nodiscard]] absl::StatusOr<RouteResult> ClaimAndRoute(Queue queue, int limit,
                                                          absl::Duration lease) override;
  [[nodiscard]] absl::Status RecordOutcomes(Queue queue, const std::vector<DeliveryRecord>& records,
                                            const std::vector<QuarantineEntry>& quarantine,
                                            const std::vector<RetryEntry>& retries) override;
  // Returns how many delivery logs were applied; `finished` (optional) gets how many events
  // took each final status.
  [[nodiscard]] absl::StatusOr<int64_t> ApplyDeliveryStatuses(int limit,
                                                              FinalCounts* finished = nullptr);

 private:
  pg::ConnectionPool& pool_;
};

}  // namespace mc::execution
