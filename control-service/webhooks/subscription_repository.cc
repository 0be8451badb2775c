#include "control-service/webhooks/subscription_repository.h"

#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/pg/array_literal.h"
#include "common/pg/execute.h"

namespace mc::control {
namespace {

constexpr char kColumns[] =
    "name, url, statuses::text AS statuses, event_types::text AS event_types, every_attempt, "
    "max_batch, disabled, version, secret, previous_secret, "
    "(extract(epoch FROM previous_secret_expires) * 1000000)::bigint AS previous_expires_us, "
    "(extract(epoch FROM updated_at) * 1000000)::bigint AS updated_us";

// $1 name ... $11 the previous secret's expiry in microseconds since the epoch (or NULL).
constexpr char kInsertSql[] =
    "INSERT INTO webhook_subscriptions (name, url, statuses, event_types, every_attempt, "
    "max_batch, disabled, version, secret, previous_secret, previous_secret_expires) "
    "VALUES ($1, $2, $3::smallint[], $4::text[], $5, $6, $7, $8, $9, $10, "
    "'epoch'::timestamptz + $11::bigint * interval '1 microsecond') RETURNING {C}";
constexpr char kReplaceSql[] =
    "UPDATE webhook_subscriptions SET url = $2, statuses = $3::smallint[], "
    "event_types = $4::text[], every_attempt = $5, max_batch = $6, disabled = $7, version = $8, "
    "secret = $9, previous_secret = $10, "
    "previous_secret_expires = 'epoch'::timestamptz + $11::bigint * interval '1 microsecond', "
    "updated_at = now() WHERE name = $1 AND version = $12 RETURNING {C}";
constexpr char kVersionSql[] = "SELECT version FROM webhook_subscriptions WHERE name = $1";
constexpr char kGetSql[] = "SELECT {C} FROM webhook_subscriptions WHERE name = $1";
constexpr char kListSql[] = "SELECT {C} FROM webhook_subscriptions ORDER BY name";
constexpr char kDeleteSql[] = "DELETE FROM webhook_subscriptions WHERE name = $1";

std::string WithColumns(std::string sql) {
  const size_t at = sql.find("{C}");
  if (at != std::string::npos) sql.replace(at, 3, kColumns);
  return sql;
}

StoredSubscription FromRow(const pg::Row& r) {
  StoredSubscription s;
  Subscription& sub = s.subscription;
  sub.name = r.Get<std::string>("name");
  sub.url = r.Get<std::string>("url");
  for (const std::optional<std::string>& v : pg::ParseTextArray(r.Get<std::string>("statuses"))) {
    int status = 0;
    if (v && absl::SimpleAtoi(*v, &status)) sub.statuses.push_back(status);
  }
  for (const std::optional<std::string>& v :
       pg::ParseTextArray(r.Get<std::string>("event_types"))) {
    if (v) sub.event_types.push_back(*v);
  }
  sub.every_attempt = r.Get<bool>("every_attempt");
  sub.max_batch = r.Get<int>("max_batch");
  sub.disabled = r.Get<bool>("disabled");
  sub.version = r.Get<int>("version");
  sub.updated = r.Micros("updated_us");
  s.secrets.current = r.Get<std::string>("secret");
  s.secrets.previous = r.Text("previous_secret");
  s.secrets.previous_expires = r.OptionalMicros("previous_expires_us");
  return s;
}

const pg::Query<StoredSubscription> kInsert("webhook_subscriptions_insert", WithColumns(kInsertSql),
                                            FromRow);
const pg::Query<StoredSubscription> kReplace("webhook_subscriptions_replace",
                                             WithColumns(kReplaceSql), FromRow);
const pg::Query<int> kVersion("webhook_subscriptions_version", kVersionSql);
const pg::Query<StoredSubscription> kGet("webhook_subscriptions_get", WithColumns(kGetSql),
                                         FromRow);
const pg::Query<StoredSubscription> kList("webhook_subscriptions_list", WithColumns(kListSql),
                                          FromRow);
const pg::Statement kDelete("webhook_subscriptions_delete", kDeleteSql);

absl::Status NotFound(const std::string& name) {
  return absl::NotFoundError(absl::StrCat("no webhook subscription named '", name, "'"));
}

pg::TxOptions OnSubscription(const std::string& name) {
  return pg::ReadWrite()
      .IfNone(NotFound(name))
      .OnUniqueViolation(absl::AlreadyExistsError(
          absl::StrCat("a webhook subscription named '", name, "' already exists")));
}

// The columns' values of `s`, in the order of $1..$11.
struct Values {
  explicit Values(const StoredSubscription& s) {
    pg::IntArray st;
    for (int status : s.subscription.statuses) st.Add(status);
    statuses = st.Finish();
    pg::TextArray types;
    for (const std::string& t : s.subscription.event_types) types.Add(t);
    event_types = types.Finish();
    if (!s.secrets.previous.empty()) {
      previous = s.secrets.previous;
      if (s.secrets.previous_expires) {
        previous_expires_us = absl::ToUnixMicros(*s.secrets.previous_expires);
      }
    }
  }
  std::string statuses, event_types;
  std::optional<std::string> previous;
  std::optional<int64_t> previous_expires_us;
};

}  // namespace

SubscriptionRepository::SubscriptionRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pg::Prepare(pool_, kInsert, kReplace, kVersion, kGet, kList, kDelete);
}

absl::StatusOr<StoredSubscription> SubscriptionRepository::Insert(const StoredSubscription& s) {
  const Subscription& sub = s.subscription;
  const Values v(s);
  return pg::FetchOne(pool_, kInsert, OnSubscription(sub.name), sub.name, sub.url, v.statuses,
                      v.event_types, sub.every_attempt, sub.max_batch, sub.disabled, sub.version,
                      s.secrets.current, v.previous, v.previous_expires_us);
}

absl::StatusOr<StoredSubscription> SubscriptionRepository::Replace(const StoredSubscription& s,
                                                                   int expected_version) {
  const Subscription& sub = s.subscription;
  const Values v(s);
  return pg::Transact(pool_, OnSubscription(sub.name),
                      [&](pg::Transaction& tx) -> absl::StatusOr<StoredSubscription> {
                        std::optional<StoredSubscription> replaced = tx.FetchOptional(
                            kReplace, sub.name, sub.url, v.statuses, v.event_types,
                            sub.every_attempt, sub.max_batch, sub.disabled, sub.version,
                            s.secrets.current, v.previous, v.previous_expires_us, expected_version);
                        if (replaced) return *std::move(replaced);
                        std::optional<int> stored = tx.FetchOptional(kVersion, sub.name);
                        if (!stored) return NotFound(sub.name);
                        return absl::AbortedError(absl::StrCat(
                            "webhook subscription '", sub.name, "' changed meanwhile (now version ",
                            *stored, "): run the command again"));
                      });
}

absl::StatusOr<StoredSubscription> SubscriptionRepository::Get(const std::string& name) {
  return pg::FetchOne(pool_, kGet, pg::ReadOnly().IfNone(NotFound(name)), name);
}

absl::StatusOr<std::vector<StoredSubscription>> SubscriptionRepository::List() {
  return pg::FetchAll(pool_, kList, pg::ReadOnly());
}

absl::Status SubscriptionRepository::Delete(const std::string& name) {
  absl::StatusOr<int64_t> deleted = pg::Execute(pool_, kDelete, pg::ReadWrite(), name);
  if (!deleted.ok()) return deleted.status();
  return *deleted > 0 ? absl::OkStatus() : NotFound(name);
}

}  // namespace mc::control
