#include "common/pg/advisory_lock.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/pg/errors.h"

namespace mc::pg {
namespace {

constexpr char kTryLock[] = "SELECT pg_try_advisory_lock(hashtextextended($1, 0))";
// The lock's server still takes writes: a demoted or read-only server keeps the session (and the
// lock) while another server is the primary, where another replica can take the same lock.
constexpr char kStillPrimary[] =
    "SELECT NOT pg_is_in_recovery() AND NOT current_setting('default_transaction_read_only')::bool";

// TCP keepalives and a user timeout on the lock's session: if the holder's host vanishes
// (power, network), the server drops the session, and the lock, within about half a minute.
std::string WithKeepalives(const std::string& dsn) {
  constexpr char kKeepalives[] =
      "keepalives=1&keepalives_idle=10&keepalives_interval=5&keepalives_count=3&"
      "tcp_user_timeout=30000";
  if (dsn.find("://") != std::string::npos) {
    return absl::StrCat(dsn, dsn.find('?') == std::string::npos ? "?" : "&", kKeepalives);
  }
  std::string kv = kKeepalives;
  for (char& c : kv) c = c == '&' ? ' ' : c;
  return absl::StrCat(dsn, " ", kv);
}

}  // namespace

AdvisoryLock::AdvisoryLock(std::unique_ptr<pqxx::connection> conn) : conn_(std::move(conn)) {}

AdvisoryLock::~AdvisoryLock() = default;  // closing the session releases the lock

absl::Status AdvisoryLock::Check() {
  try {
    pqxx::nontransaction tx(*conn_);
    if (!tx.exec1(kStillPrimary)[0].as<bool>()) {
      return absl::UnavailableError(
          "the lock's PostgreSQL server no longer takes writes (no longer the primary): a new "
          "primary never had the lock");
    }
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("the lock's PostgreSQL session was lost, and the lock with it: ", e.what()));
  }
}

absl::StatusOr<std::unique_ptr<AdvisoryLock>> AdvisoryLock::TryAcquire(const std::string& dsn,
                                                                       const std::string& key) {
  try {
    auto conn = std::make_unique<pqxx::connection>(WithKeepalives(dsn));
    pqxx::nontransaction tx(*conn);
    const bool held = tx.exec_params1(kTryLock, key)[0].as<bool>();
    if (!held) {
      return absl::AbortedError(absl::StrCat("'", key, "' is held by another session"));
    }
    return std::unique_ptr<AdvisoryLock>(new AdvisoryLock(std::move(conn)));
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
}

}  // namespace mc::pg
