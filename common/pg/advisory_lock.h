// AdvisoryLock: a PostgreSQL session advisory lock held on a connection of its own, so that
// one job (e.g. one account's archiving run) runs on one replica at a time.
//
// TryAcquire returns the held lock, ABORTED when another session holds it, or UNAVAILABLE when
// PostgreSQL cannot be reached. The lock is released when the object is destroyed or its
// session ends: a crashed holder's at once, a vanished host's within about 30 s (TCP
// keepalives and user timeout on the session). Not thread-safe.
#pragma once

#include <memory>
#include <pqxx/pqxx>
#include <string>

#include "absl/status/statusor.h"

namespace mc::pg {

class AdvisoryLock {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<AdvisoryLock>> TryAcquire(
      const std::string& dsn, const std::string& key);
  ~AdvisoryLock();

 private:
  explicit AdvisoryLock(std::unique_ptr<pqxx::connection> conn);
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace mc::pg
