#include "control-service/accounts/account_repository.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "common/pg/errors.h"

namespace mc::control {
namespace {

constexpr char kColumns[] =
    "internal_name, label, enabled, endpoint, connection_method, credential <> '', "
    "coalesce(instance_id, ''), (extract(epoch FROM created_at) * 1000000)::bigint, "
    "(extract(epoch FROM updated_at) * 1000000)::bigint";

constexpr char kInsert[] =
    "INSERT INTO accounts (internal_name, label, enabled, endpoint, connection_method, "
    "credential) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ";
constexpr char kSelect[] = "SELECT {C} FROM accounts WHERE internal_name = $1";
constexpr char kList[] = "SELECT {C} FROM accounts ORDER BY internal_name";
constexpr char kUpdate[] =
    "UPDATE accounts SET label = $2, enabled = $3, endpoint = $4, connection_method = $5, "
    "credential = CASE WHEN $6 = '' THEN credential ELSE $6 END, updated_at = now() "
    "WHERE internal_name = $1 RETURNING {C}";
constexpr char kSetEnabled[] =
    "UPDATE accounts SET enabled = $2, updated_at = now() WHERE internal_name = $1 RETURNING {C}";
constexpr char kSetInstanceId[] =
    "UPDATE accounts SET instance_id = nullif($2, ''), updated_at = now() WHERE internal_name = $1 "
    "RETURNING {C}";
constexpr char kDelete[] = "DELETE FROM accounts WHERE internal_name = $1";
constexpr char kTarget[] =
    "SELECT internal_name, endpoint, connection_method, credential, coalesce(instance_id, '') "
    "FROM accounts WHERE internal_name = $1";
constexpr char kAllTargets[] =
    "SELECT internal_name, endpoint, connection_method, credential, coalesce(instance_id, '') "
    "FROM accounts ORDER BY internal_name";
constexpr char kEnabledTargets[] =
    "SELECT internal_name, endpoint, connection_method, credential, coalesce(instance_id, '') "
    "FROM accounts WHERE enabled ORDER BY internal_name";

std::string WithColumns(std::string sql) {
  const size_t at = sql.find("{C}");
  if (at != std::string::npos) sql.replace(at, 3, kColumns);
  return sql;
}

Account FromRow(const pqxx::row& r) {
  Account a;
  a.internal_name = r[0].as<std::string>();
  a.label = r[1].as<std::string>();
  a.enabled = r[2].as<bool>();
  a.endpoint = r[3].as<std::string>();
  a.connection_method = static_cast<ConnectionMethod>(r[4].as<int>());
  a.has_credential = r[5].as<bool>();
  a.instance_id = r[6].as<std::string>();
  a.created = absl::FromUnixMicros(r[7].as<int64_t>());
  a.updated = absl::FromUnixMicros(r[8].as<int64_t>());
  return a;
}

ExecutionTarget TargetFromRow(const pqxx::row& r) {
  return ExecutionTarget{.account = r[0].as<std::string>(),
                         .endpoint = r[1].as<std::string>(),
                         .connection_method = static_cast<ConnectionMethod>(r[2].as<int>()),
                         .credential = r[3].as<std::string>(),
                         .instance_id = r[4].as<std::string>()};
}

absl::Status NotFound(const std::string& name) {
  return absl::NotFoundError(absl::StrCat("no account named '", name, "'"));
}

}  // namespace

AccountRepository::AccountRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pool_.Prepare("accounts_insert", absl::StrCat(kInsert, kColumns));
  pool_.Prepare("accounts_get", WithColumns(kSelect));
  pool_.Prepare("accounts_list", WithColumns(kList));
  pool_.Prepare("accounts_update", WithColumns(kUpdate));
  pool_.Prepare("accounts_set_enabled", WithColumns(kSetEnabled));
  pool_.Prepare("accounts_set_instance_id", WithColumns(kSetInstanceId));
  pool_.Prepare("accounts_delete", kDelete);
  pool_.Prepare("accounts_target", kTarget);
  pool_.Prepare("accounts_enabled_targets", kEnabledTargets);
  pool_.Prepare("accounts_all_targets", kAllTargets);
}

absl::StatusOr<Account> AccountRepository::One(
    const std::string& name, const std::function<pqxx::result(pqxx::work&)>& exec) {
  std::optional<Account> out;
  absl::Status s = pool_.Run([&](pqxx::connection& c) -> absl::Status {
    out.reset();
    pqxx::work tx(c);
    pqxx::result r;
    try {
      r = exec(tx);
    } catch (const pqxx::unique_violation& e) {
      return absl::AlreadyExistsError(
          absl::StrCat("account '", name, "': ",
                       std::string(e.what()).find("instance_id") != std::string::npos
                           ? "that execution-instance identifier is already assigned"
                           : "an account with that internal name already exists"));
    }
    if (!r.empty()) out = FromRow(r[0]);
    tx.commit();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!out) return NotFound(name);
  return *out;
}

absl::StatusOr<Account> AccountRepository::Create(const Account& a) {
  return One(a.internal_name, [&](pqxx::work& tx) {
    return tx.exec_prepared("accounts_insert", a.internal_name, a.label, a.enabled, a.endpoint,
                            static_cast<int>(a.connection_method), a.credential);
  });
}

absl::StatusOr<Account> AccountRepository::Get(const std::string& name) {
  return One(name, [&](pqxx::work& tx) { return tx.exec_prepared("accounts_get", name); });
}

absl::StatusOr<std::vector<Account>> AccountRepository::List() {
  std::vector<Account> out;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    out.clear();
    pqxx::read_transaction tx(c);
    for (const pqxx::row& r : tx.exec_prepared("accounts_list")) out.push_back(FromRow(r));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<Account> AccountRepository::Update(const Account& a) {
  return One(a.internal_name, [&](pqxx::work& tx) {
    return tx.exec_prepared("accounts_update", a.internal_name, a.label, a.enabled, a.endpoint,
                            static_cast<int>(a.connection_method), a.credential);
  });
}

absl::StatusOr<Account> AccountRepository::SetEnabled(const std::string& name, bool enabled) {
  return One(name, [&](pqxx::work& tx) {
    return tx.exec_prepared("accounts_set_enabled", name, enabled);
  });
}

absl::StatusOr<Account> AccountRepository::SetInstanceId(const std::string& name,
                                                         const std::string& instance_id) {
  return One(name, [&](pqxx::work& tx) {
    return tx.exec_prepared("accounts_set_instance_id", name, instance_id);
  });
}

absl::Status AccountRepository::Delete(const std::string& name) {
  bool deleted = false;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    deleted = tx.exec_prepared("accounts_delete", name).affected_rows() > 0;
    tx.commit();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return deleted ? absl::OkStatus() : NotFound(name);
}

absl::StatusOr<ExecutionTarget> AccountRepository::GetTarget(const std::string& name) {
  std::optional<ExecutionTarget> out;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    out.reset();
    pqxx::read_transaction tx(c);
    pqxx::result r = tx.exec_prepared("accounts_target", name);
    if (!r.empty()) out = TargetFromRow(r[0]);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!out) return NotFound(name);
  return *out;
}

absl::StatusOr<std::vector<ExecutionTarget>> AccountRepository::Targets(const char* statement) {
  std::vector<ExecutionTarget> out;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    out.clear();
    pqxx::read_transaction tx(c);
    for (const pqxx::row& r : tx.exec_prepared(statement)) out.push_back(TargetFromRow(r));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<ExecutionTarget>> AccountRepository::EnabledTargets() {
  return Targets("accounts_enabled_targets");
}

absl::StatusOr<std::vector<ExecutionTarget>> AccountRepository::AllTargets() {
  return Targets("accounts_all_targets");
}

}  // namespace mc::control
