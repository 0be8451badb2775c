#include "execution-service/archive/identity_repository.h"

namespace mc::execution {

IdentityRepository::IdentityRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pool_.Prepare("identity_get", "SELECT coalesce(instance_id, '') FROM instance_identity");
  pool_.Prepare("identity_lock",
                "SELECT coalesce(instance_id, '') FROM instance_identity FOR UPDATE");
  pool_.Prepare("identity_set",
                "UPDATE instance_identity SET instance_id = $1, stamped_at = now()");
  pool_.Prepare("identity_reset_ack",
                "UPDATE archive_ack SET xid = '0', queue = 0, event_id = 0, updated_at = now()");
}

absl::StatusOr<std::string> IdentityRepository::InstanceId() {
  std::string id;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_prepared("identity_get");
    if (r.empty()) return absl::InternalError("instance_identity has no row");
    id = r[0][0].as<std::string>();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return id;
}

absl::StatusOr<StampOutcome> IdentityRepository::Stamp(const std::string& id, bool force) {
  StampOutcome out;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    out = StampOutcome();
    pqxx::work tx(c);
    pqxx::result r = tx.exec_prepared("identity_lock");
    if (r.empty()) return absl::InternalError("instance_identity has no row");
    out.previous = r[0][0].as<std::string>();
    if (out.previous == id) {
      out.stamped = true;
      return absl::OkStatus();  // already this identifier: nothing to write
    }
    if (!out.previous.empty() && !force) return absl::OkStatus();
    tx.exec_prepared("identity_set", id);
    if (!out.previous.empty()) tx.exec_prepared("identity_reset_ack");
    tx.commit();
    out.stamped = true;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace mc::execution
