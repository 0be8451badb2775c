// LateOutcomeRepository: LateOutcomeStore on the instance's PostgreSQL schema. One statement
// per outcome, its own transaction: the attempt in the event's story (delivery_attempts, kind 1
// hard bounce, 2 soft bounce, 3 complaint; once per event, try and kind), for a hard bounce the
// delivery log rewritten to Delivery failed (bounced_at), the event made Delivery failed with a
// new final_xid (so the archive export sends it again) and the webhooks of the change
// (webhook_outbox), and the address's suppression entry (mc_suppress_hard / _soft /
// _complaint, migration 0009). Either all of it commits or none.
// Only a message the relay accepted can bounce: its delivery log says Sent (or Delivery failed
// by an earlier late bounce). An event still Pending delivery whose log says Sent (the bounce
// came before updateEventStatus applied the log) ends Delivery failed all the same:
// updateEventStatus applies a log only to an event still Pending delivery.
// Failure modes: UNAVAILABLE when PostgreSQL is unreachable. Thread-safe.
#pragma once

#include "common/pg/connection_pool.h"
#include "execution-service/inbound/late_outcome_store.h"
#include "execution-service/suppressions/suppression_policy.h"

namespace mc::execution {

class LateOutcomeRepository final : public LateOutcomeStore {
 public:
  // `policy`: the soft entries' threshold and expiry (the suppression list's own).
  LateOutcomeRepository(pg::ConnectionPool& pool, SuppressionPolicy policy);

  [[nodiscard]] absl::StatusOr<LateOutcomeResult> Record(const LateOutcome& outcome) override;

 private:
  pg::ConnectionPool& pool_;
  const SuppressionPolicy policy_;
};

}  // namespace mc::execution
