// SuppressionRepository: SuppressionStore on PostgreSQL, the instance's `quarantine` table
// (migration 0009), in named statements. Each call is one statement. States are filtered with
// the rule of mc_suppresses() (see suppression.h); every row comes back with the server's clock.
// The pool needs no session settings.
// Failure modes: as SuppressionStore (UNAVAILABLE when PostgreSQL is unreachable; a write whose
// COMMIT was lost is UNAVAILABLE "outcome unknown"). Thread-safe.
#pragma once

#include <string>

#include "common/pg/connection_pool.h"
#include "execution-service/suppressions/suppression_store.h"

namespace mc::execution {

class SuppressionRepository final : public SuppressionStore {
 public:
  explicit SuppressionRepository(pg::ConnectionPool& pool);

  [[nodiscard]] absl::StatusOr<SuppressionRead> List(const SuppressionQuery& query) override;
  [[nodiscard]] absl::StatusOr<SuppressionRead> Add(const SuppressionAddition& a) override;
  [[nodiscard]] absl::StatusOr<SuppressionRead> Remove(int channel, const std::string& key,
                                                       const std::string& changed_by) override;
  [[nodiscard]] absl::StatusOr<SuppressionRead> Reactivate(int channel, const std::string& key,
                                                           const std::string& changed_by,
                                                           absl::Duration soft_expiry) override;

 private:
  pg::ConnectionPool& pool_;
};

}  // namespace mc::execution
