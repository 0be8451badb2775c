// LateOutcomeStore: where late bounces and complaints are recorded (late_outcome.h says what
// each does). The PostgreSQL implementation is LateOutcomeRepository; the bounce processor's
// unit tests use a fake.
// Failure modes: UNAVAILABLE when the store cannot be reached (the report is refused with a
// temporary SMTP reply, so its sender tries again: nothing is lost). Thread-safe.
#pragma once

#include "absl/status/statusor.h"
#include "execution-service/inbound/late_outcome.h"

namespace mc::execution {

class LateOutcomeStore {
 public:
  virtual ~LateOutcomeStore() = default;
  [[nodiscard]] virtual absl::StatusOr<LateOutcomeResult> Record(const LateOutcome& outcome) = 0;
};

}  // namespace mc::execution
