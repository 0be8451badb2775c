#include "common/pg/advisory_lock.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/pg/errors.h"

namespace mc::pg {

AdvisoryLock::AdvisoryLock(std::unique_ptr<pqxx::connection> conn) : conn_(std::move(conn)) {}

AdvisoryLock::~AdvisoryLock() = default;  // closing the session releases the lock

absl::StatusOr<std::unique_ptr<AdvisoryLock>> AdvisoryLock::TryAcquire(const std::string& dsn,
                                                                       const std::string& key) {
  try {
    auto conn = std::make_unique<pqxx::connection>(dsn);
    pqxx::nontransaction tx(*conn);
    const bool held =
        tx.exec_params1("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", key)[0].as<bool>();
    if (!held) {
      return absl::AbortedError(absl::StrCat("'", key, "' is held by another session"));
    }
    return std::unique_ptr<AdvisoryLock>(new AdvisoryLock(std::move(conn)));
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
}

}  // namespace mc::pg
