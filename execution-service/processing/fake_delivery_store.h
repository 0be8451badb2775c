// FakeDeliveryStore: a DeliveryStore for unit tests, in memory. Each claim hands out the next
// batch it was given (an empty one when none is left) and each RecordOutcomes call is kept as
// it was made, so a test asserts what a run decided.
//
// Failure modes: the errors a test sets (claim_error, record_error) are returned as given; a
// failed RecordOutcomes call is kept too. Not thread-safe: one test thread.
#pragma once

#include <deque>
#include <utility>
#include <vector>

#include "execution-service/processing/delivery_store.h"

namespace mc::execution {

class FakeDeliveryStore final : public DeliveryStore {
 public:
  struct Claim {
    Queue queue = Queue::kRealTime;
    int limit = 0;
    absl::Duration lease;
  };
  struct Outcomes {
    Queue queue = Queue::kRealTime;
    std::vector<DeliveryRecord> records;
    std::vector<QuarantineEntry> quarantine;
    std::vector<RetryEntry> retries;
  };

  // The next claim's result.
  void AddBatch(RouteResult batch) { batches_.push_back(std::move(batch)); }

  [[nodiscard]] absl::StatusOr<RouteResult> ClaimAndRoute(Queue queue, int limit,
                                                          absl::Duration lease) override {
    claims_.push_back({queue, limit, lease});
    if (!claim_error.ok()) return claim_error;
    if (batches_.empty()) return RouteResult{};
    RouteResult next = std::move(batches_.front());
    batches_.pop_front();
    return next;
  }

  [[nodiscard]] absl::Status RecordOutcomes(Queue queue, const std::vector<DeliveryRecord>& records,
                                            const std::vector<QuarantineEntry>& quarantine,
                                            const std::vector<RetryEntry>& retries) override {
    recorded_.push_back({queue, records, quarantine, retries});
    return record_error;
  }

  const std::vector<Claim>& claims() const { return claims_; }
  const std::vector<Outcomes>& recorded() const { return recorded_; }

  absl::Status claim_error;   // OK: claims succeed
  absl::Status record_error;  // OK: outcomes are recorded

 private:
  std::deque<RouteResult> batches_;
  std::vector<Claim> claims_;
  std::vector<Outcomes> recorded_;
};

}  // namespace mc::execution
