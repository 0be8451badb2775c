#include "execution-service/archive/identity_repository.h"

#include "common/pg/execute.h"

namespace mc::execution {
namespace {

const pg::Query<std::string> kGet("identity_get",
                                  "SELECT coalesce(instance_id, '') FROM instance_identity");
const pg::Query<std::string> kLock(
    "identity_lock", "SELECT coalesce(instance_id, '') FROM instance_identity FOR UPDATE");
const pg::Statement kSet("identity_set",
                         "UPDATE instance_identity SET instance_id = $1, stamped_at = now()");
const pg::Statement kResetAck(
    "identity_reset_ack",
    "UPDATE archive_ack SET xid = '0', queue = 0, event_id = 0, updated_at = now()");

absl::Status NoRow() { return absl::InternalError("instance_identity has no row"); }

}  // namespace

IdentityRepository::IdentityRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pg::Prepare(pool_, kGet, kLock, kSet, kResetAck);
}

absl::StatusOr<std::string> IdentityRepository::InstanceId() {
  return pg::FetchOne(pool_, kGet, pg::Autocommit().IfNone(NoRow()));
}

absl::StatusOr<StampOutcome> IdentityRepository::Stamp(const std::string& id, bool force) {
  return pg::Transact(pool_, pg::ReadWrite(),
                      [&](pg::Transaction& tx) -> absl::StatusOr<StampOutcome> {
                        std::optional<std::string> previous = tx.FetchOptional(kLock);
                        if (!previous) return NoRow();
                        StampOutcome out{.previous = *std::move(previous)};
                        if (out.previous == id) {
                          out.stamped = true;
                          return out;  // already this identifier: nothing to write
                        }
                        if (!out.previous.empty() && !force) return out;
                        tx.Execute(kSet, id);
                        if (!out.previous.empty()) tx.Execute(kResetAck);
                        out.stamped = true;
                        return out;
                      });
}

}  // namespace mc::execution
