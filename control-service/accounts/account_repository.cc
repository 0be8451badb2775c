#include "control-service/accounts/account_repository.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/pg/execute.h"

namespace mc::control {
namespace {

constexpr char kColumns[] =
    "internal_name, label, enabled, endpoint, connection_method, "
    "credential <> '' AS has_credential, coalesce(instance_id, '') AS instance_id, "
    "(extract(epoch FROM created_at) * 1000000)::bigint AS created_us, "
    "(extract(epoch FROM updated_at) * 1000000)::bigint AS updated_us";

constexpr char kTargetColumns[] =
    "internal_name, endpoint, connection_method, credential, "
    "coalesce(instance_id, '') AS instance_id";

Account FromRow(const pg::Row& r) {
  Account a;
  a.internal_name = r.Get<std::string>("internal_name");
  a.label = r.Get<std::string>("label");
  a.enabled = r.Get<bool>("enabled");
  a.endpoint = r.Get<std::string>("endpoint");
  a.connection_method = static_cast<ConnectionMethod>(r.Get<int>("connection_method"));
  a.has_credential = r.Get<bool>("has_credential");
  a.instance_id = r.Get<std::string>("instance_id");
  a.created = r.Micros("created_us");
  a.updated = r.Micros("updated_us");
  return a;
}

ExecutionTarget TargetFromRow(const pg::Row& r) {
  return ExecutionTarget{
      .account = r.Get<std::string>("internal_name"),
      .endpoint = r.Get<std::string>("endpoint"),
      .connection_method = static_cast<ConnectionMethod>(r.Get<int>("connection_method")),
      .credential = r.Get<std::string>("credential"),
      .instance_id = r.Get<std::string>("instance_id")};
}

// {C}: the columns of kColumns or kTargetColumns.
pg::Query<Account> AccountQuery(absl::string_view name, absl::string_view sql) {
  return pg::Query<Account>(name, absl::StrReplaceAll(sql, {{"{C}", kColumns}}), FromRow);
}
pg::Query<ExecutionTarget> TargetQuery(absl::string_view name, absl::string_view sql) {
  return pg::Query<ExecutionTarget>(name, absl::StrReplaceAll(sql, {{"{C}", kTargetColumns}}),
                                    TargetFromRow);
}

const pg::Query<Account> kInsert = AccountQuery(
    "accounts_insert",
    "INSERT INTO accounts (internal_name, label, enabled, endpoint, connection_method, "
    "credential) VALUES ($1, $2, $3, $4, $5, $6) RETURNING {C}");
const pg::Query<Account> kGet =
    AccountQuery("accounts_get", "SELECT {C} FROM accounts WHERE internal_name = $1");
const pg::Query<Account> kList =
    AccountQuery("accounts_list", "SELECT {C} FROM accounts ORDER BY internal_name");
const pg::Query<Account> kUpdate = AccountQuery(
    "accounts_update",
    "UPDATE accounts SET label = $2, enabled = $3, endpoint = $4, connection_method = $5, "
    "credential = CASE WHEN $6 = '' THEN credential ELSE $6 END, updated_at = now() "
    "WHERE internal_name = $1 RETURNING {C}");
const pg::Query<Account> kSetEnabled = AccountQuery(
    "accounts_set_enabled",
    "UPDATE accounts SET enabled = $2, updated_at = now() WHERE internal_name = $1 RETURNING {C}");
const pg::Query<Account> kSetInstanceId = AccountQuery(
    "accounts_set_instance_id",
    "UPDATE accounts SET instance_id = nullif($2, ''), updated_at = now() WHERE internal_name = $1 "
    "RETURNING {C}");
const pg::Statement kDelete("accounts_delete", "DELETE FROM accounts WHERE internal_name = $1");
const pg::Query<ExecutionTarget> kTarget =
    TargetQuery("accounts_target", "SELECT {C} FROM accounts WHERE internal_name = $1");
const pg::Query<ExecutionTarget> kEnabledTargets = TargetQuery(
    "accounts_enabled_targets", "SELECT {C} FROM accounts WHERE enabled ORDER BY internal_name");
const pg::Query<ExecutionTarget> kAllTargets =
    TargetQuery("accounts_all_targets", "SELECT {C} FROM accounts ORDER BY internal_name");

absl::Status NotFound(const std::string& name) {
  return absl::NotFoundError(absl::StrCat("no account named '", name, "'"));
}

// A statement on one account, in its own transaction: NOT_FOUND naming it when no row; a taken
// name or execution-instance identifier says which.
pg::TxOptions OnAccount(const std::string& name) {
  return pg::ReadWrite().IfNone(NotFound(name)).OnUniqueViolation([name](absl::string_view e) {
    return absl::AlreadyExistsError(
        absl::StrCat("account '", name, "': ",
                     absl::StrContains(e, "instance_id")
                         ? "that execution-instance identifier is already assigned"
                         : "an account with that internal name already exists"));
  });
}

}  // namespace

AccountRepository::AccountRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pg::Prepare(pool_, kInsert, kGet, kList, kUpdate, kSetEnabled, kSetInstanceId, kDelete, kTarget,
              kEnabledTargets, kAllTargets);
}

absl::StatusOr<Account> AccountRepository::Create(const Account& a) {
  return pg::FetchOne(pool_, kInsert, OnAccount(a.internal_name), a.internal_name, a.label,
                      a.enabled, a.endpoint, static_cast<int>(a.connection_method), a.credential);
}

absl::StatusOr<Account> AccountRepository::Get(const std::string& name) {
  return pg::FetchOne(pool_, kGet, OnAccount(name), name);
}

absl::StatusOr<std::vector<Account>> AccountRepository::List() {
  return pg::FetchAll(pool_, kList, pg::ReadOnly());
}

absl::StatusOr<Account> AccountRepository::Update(const Account& a) {
  return pg::FetchOne(pool_, kUpdate, OnAccount(a.internal_name), a.internal_name, a.label,
                      a.enabled, a.endpoint, static_cast<int>(a.connection_method), a.credential);
}

absl::StatusOr<Account> AccountRepository::SetEnabled(const std::string& name, bool enabled) {
  return pg::FetchOne(pool_, kSetEnabled, OnAccount(name), name, enabled);
}

absl::StatusOr<Account> AccountRepository::SetInstanceId(const std::string& name,
                                                         const std::string& instance_id) {
  return pg::FetchOne(pool_, kSetInstanceId, OnAccount(name), name, instance_id);
}

absl::Status AccountRepository::Delete(const std::string& name) {
  absl::StatusOr<int64_t> deleted = pg::Execute(pool_, kDelete, pg::ReadWrite(), name);
  if (!deleted.ok()) return deleted.status();
  return *deleted > 0 ? absl::OkStatus() : NotFound(name);
}

absl::StatusOr<ExecutionTarget> AccountRepository::GetTarget(const std::string& name) {
  return pg::FetchOne(pool_, kTarget, pg::ReadOnly().IfNone(NotFound(name)), name);
}

absl::StatusOr<std::vector<ExecutionTarget>> AccountRepository::EnabledTargets() {
  return pg::FetchAll(pool_, kEnabledTargets, pg::ReadOnly());
}

absl::StatusOr<std::vector<ExecutionTarget>> AccountRepository::AllTargets() {
  return pg::FetchAll(pool_, kAllTargets, pg::ReadOnly());
}

}  // namespace mc::control
