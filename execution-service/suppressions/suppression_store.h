// SuppressionStore: what SuppressionList needs of storage (SuppressionRepository implements it
// on PostgreSQL; tests use a small fake). Every answer carries the store's clock (`now`), the
// time the entries' states are computed at.
//
// List: the entries matching the query, in (changed_at DESC, channel, address) order, after
// query.after, at most query.limit.
// Add: inserts the entry, or makes the existing one suppress again with the addition's kind and
// reason (not removed, active, no expiry; its errors, first seen and cause kept).
// Remove: marks it removed with who and when (kept); removing a removed entry changes nothing.
// Reactivate: not removed, active again; a soft entry gets a new expiry, now + soft_expiry.
// Failure modes: NOT_FOUND (Remove, Reactivate) for an address without an entry; UNAVAILABLE when
// the store cannot be reached (nothing applied). Implementations are thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "execution-service/suppressions/suppression.h"

namespace mc::execution {

struct SuppressionRead {
  std::vector<SuppressionEntry> entries;  // state not set: SuppressionList computes it
  absl::Time now;                         // the store's clock at the read
};

class SuppressionStore {
 public:
  virtual ~SuppressionStore() = default;

  [[nodiscard]] virtual absl::StatusOr<SuppressionRead> List(const SuppressionQuery& query) = 0;
  [[nodiscard]] virtual absl::StatusOr<SuppressionRead> Add(const SuppressionAddition& a) = 0;
  [[nodiscard]] virtual absl::StatusOr<SuppressionRead> Remove(int channel, const std::string& key,
                                                               const std::string& changed_by) = 0;
  [[nodiscard]] virtual absl::StatusOr<SuppressionRead> Reactivate(int channel,
                                                                   const std::string& key,
                                                                   const std::string& changed_by,
                                                                   absl::Duration soft_expiry) = 0;
};

}  // namespace mc::execution
