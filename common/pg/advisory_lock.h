// AdvisoryLock: a PostgreSQL session advisory lock held on a connection of its own, so that
// one job (e.g. one account's archiving run) runs on one replica at a time.
//
// TryAcquire returns the held lock, ABORTED when another session holds it, or UNAVAILABLE when
// PostgreSQL cannot be reached. The lock is released when the object is destroyed or its
// session ends: a crashed holder's at once, a vanished host's within about 30 s (TCP
// keepalives and user timeout on the session), or when PostgreSQL fails over. Check() tells
// whether it is still held. Not thread-safe.
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

  // OK while the lock's session lives on a server that takes writes (one round trip on it).
  // UNAVAILABLE once the session is gone, and the lock with it (PostgreSQL restarted, or failed
  // over to a standby, which never had it), or when its server no longer takes writes (in
  // recovery, or read-only: the primary is elsewhere now): another replica may hold it there,
  // so the job must stop. Best effort: between a Check and the job's next write the lock can
  // still be lost; a job guarded this way keeps its writes idempotent (upserts), so the one
  // step that overlaps another holder's is harmless.
  [[nodiscard]] absl::Status Check();

 private:
  explicit AdvisoryLock(std::unique_ptr<pqxx::connection> conn);
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace mc::pg
