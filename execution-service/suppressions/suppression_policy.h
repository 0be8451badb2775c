// SuppressionPolicy: the instance's rule for soft entries of the suppression list, from its
// flags (--soft_bounce_threshold, --soft_bounce_expiry_hours). A soft entry suppresses its
// address once its errors reach soft_threshold, until soft_expiry after its last soft failure;
// past that it is expired and the next soft failure counts from 1 again. Hard and deny entries
// stay until removed. The late-bounce path and SuppressionList (reactivating a soft entry
// starts a new period) both take it.
// Plain values: thread-safe to share.
#pragma once

#include "absl/time/time.h"

namespace mc::execution {

struct SuppressionPolicy {
  int soft_threshold = 3;
  absl::Duration soft_expiry = absl::Hours(7 * 24);
};

}  // namespace mc::execution
