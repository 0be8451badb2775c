// DeliveryStore: what the processing workflows need of storage, claims and outcomes, as
// EventProcessor sees it (ProcessingRepository implements it on PostgreSQL; tests use
// processing/fake_delivery_store.h). The values are those the claim gives and the outcomes
// record.
//
// ClaimAndRoute: takes up to `limit` due Pending events of `queue`, routes each to its template
// or makes it final (not taken into account, expired), and re-claims deliveries whose lease ran
// out; the events to deliver come back under a lease of `lease`.
// RecordOutcomes: the delivery logs (at most one per event, whoever writes it), the quarantined
// addresses, the retry time of soft failures with their attempts, and the webhooks of those
// changes (the outbox), all or nothing.
// Failure modes: UNAVAILABLE when the store is unreachable (nothing of the call applied).
// Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
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
  std::string template_language;  // the variant rendered; "" for the template's default parts
};

// A hard refusal naming the address: a hard quarantine entry, caused by the event.
struct QuarantineEntry {
  int channel = 0;
  std::string address;  // stored as its key
  std::string reason;
  int64_t event_id = 0;  // of the queue the outcomes are recorded for
};

// A soft failure tried again: the event's next try, and the attempt kept in its story
// (delivery_attempts).
struct RetryEntry {
  int64_t event_id = 0;
  absl::Duration delay;
  int try_number = 0;  // the try that failed, from 1
  std::string reason;  // the server's reply
  std::string address;
  std::string message_id;
};

class DeliveryStore {
 public:
  virtual ~DeliveryStore() = default;

  [[nodiscard]] virtual absl::StatusOr<RouteResult> ClaimAndRoute(Queue queue, int limit,
                                                                  absl::Duration lease) = 0;
  [[nodiscard]] virtual absl::Status RecordOutcomes(Queue queue,
                                                    const std::vector<DeliveryRecord>& records,
                                                    const std::vector<QuarantineEntry>& quarantine,
                                                    const std::vector<RetryEntry>& retries) = 0;
};

}  // namespace mc::execution
