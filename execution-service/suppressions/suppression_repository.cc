#include "execution-service/suppressions/suppression_repository.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/pg/array_literal.h"
#include "common/pg/execute.h"

namespace mc::execution {
namespace {

// What every statement returns of an entry, with the server's clock (now_us).
constexpr char kColumns[] =
    R"sql(channel, address, kind, COALESCE(failure_type, '') AS failure_type,
  reason, errors, (extract(epoch FROM first_seen_at) * 1000000)::bigint AS first_us,
  (extract(epoch FROM last_seen_at) * 1000000)::bigint AS last_us,
  (extract(epoch FROM expires_at) * 1000000)::bigint AS expires_us, active,
  COALESCE(event_queue, 0) AS event_queue, COALESCE(event_id, 0) AS event_id,
  (extract(epoch FROM removed_at) * 1000000)::bigint AS removed_us, changed_by,
  (extract(epoch FROM changed_at) * 1000000)::bigint AS changed_us,
  (extract(epoch FROM now()) * 1000000)::bigint AS now_us)sql";

// $1 channel (-1: any); $2 keys ('{}': any), $3 whether they are prefixes; $4 kind ('' any);
// $5 states ('{}' any: 1 active, 2 counting, 3 expired, 4 removed, the rule of mc_suppresses());
// $6 failure type ('' any); $7 whether a cursor is given, $8-$10 the cursor (changed_at in
// microseconds, channel, address); $11 limit. Newest change first.
constexpr char kListSql[] = R"sql(
SELECT {C} FROM quarantine
WHERE ($1::int < 0 OR channel = $1::int)
  AND (cardinality($2::text[]) = 0
       OR (NOT $3::bool AND address = ANY ($2::text[]))
       OR ($3::bool AND EXISTS (SELECT 1 FROM unnest($2::text[]) k WHERE starts_with(address, k))))
  AND ($4::text = '' OR kind = $4::text)
  AND (cardinality($5::int[]) = 0
       OR (CASE WHEN removed_at IS NOT NULL THEN 4
                WHEN expires_at IS NOT NULL AND expires_at <= now() THEN 3
                WHEN active THEN 1 ELSE 2 END) = ANY ($5::int[]))
  AND ($6::text = '' OR failure_type = $6::text)
  AND (NOT $7::bool
       OR changed_at < timestamptz 'epoch' + $8::bigint * interval '1 microsecond'
       OR (changed_at = timestamptz 'epoch' + $8::bigint * interval '1 microsecond'
           AND (channel, address) > ($9::smallint, $10::text)))
ORDER BY changed_at DESC, channel, address
LIMIT $11)sql";

// A new entry (errors 1, first and last seen now), or an existing one suppressing again with the
// new kind and reason; its errors, first and last seen and cause are kept.
constexpr char kAddSql[] = R"sql(
INSERT INTO quarantine (channel, address, kind, reason, failure_type, changed_by)
VALUES ($1, $2, $3::text, $4, CASE WHEN $3::text = 'quarantine' THEN 'hard' END, $5)
ON CONFLICT (channel, address) DO UPDATE SET kind = excluded.kind, reason = excluded.reason,
  failure_type = excluded.failure_type, expires_at = NULL, active = true, removed_at = NULL,
  changed_by = excluded.changed_by, changed_at = now()
RETURNING {C})sql";

// Removing a removed entry keeps who removed it and when.
constexpr char kRemoveSql[] = R"sql(
UPDATE quarantine q SET removed_at = COALESCE(q.removed_at, now()),
  changed_by = CASE WHEN q.removed_at IS NULL THEN $3 ELSE q.changed_by END,
  changed_at = CASE WHEN q.removed_at IS NULL THEN now() ELSE q.changed_at END
WHERE q.channel = $1 AND q.address = $2
RETURNING {C})sql";

// $4: a soft entry's new period, in milliseconds.
constexpr char kReactivateSql[] = R"sql(
UPDATE quarantine q SET removed_at = NULL, active = true,
  expires_at = CASE WHEN q.failure_type = 'soft'
                    THEN now() + $4::bigint * interval '1 millisecond' END,
  changed_by = $3, changed_at = now()
WHERE q.channel = $1 AND q.address = $2
RETURNING {C})sql";

struct Row {
  SuppressionEntry entry;
  absl::Time now;
};

Row FromRow(const pg::Row& r) {
  Row out;
  SuppressionEntry& e = out.entry;
  e.channel = r.Get<int>("channel");
  e.address = r.Get<std::string>("address");
  e.kind =
      r.Get<std::string>("kind") == "deny" ? SuppressionKind::kDeny : SuppressionKind::kQuarantine;
  e.failure_type = r.Get<std::string>("failure_type");
  e.reason = r.Get<std::string>("reason");
  e.errors = r.Get<int>("errors");
  e.first_seen = r.Micros("first_us");
  e.last_seen = r.Micros("last_us");
  e.expires = r.OptionalMicros("expires_us");
  e.active = r.Get<bool>("active");
  e.event_queue = r.Get<int>("event_queue");
  e.event_id = r.Get<int64_t>("event_id");
  e.removed = r.OptionalMicros("removed_us");
  e.changed_by = r.Get<std::string>("changed_by");
  e.changed_at = r.Micros("changed_us");
  out.now = r.Micros("now_us");
  return out;
}

std::string WithColumns(const char* sql) { return absl::StrReplaceAll(sql, {{"{C}", kColumns}}); }

const pg::Query<Row> kList("suppressions_list", WithColumns(kListSql), FromRow);
const pg::Query<Row> kAdd("suppressions_add", WithColumns(kAddSql), FromRow);
const pg::Query<Row> kRemove("suppressions_remove", WithColumns(kRemoveSql), FromRow);
const pg::Query<Row> kReactivate("suppressions_reactivate", WithColumns(kReactivateSql), FromRow);

absl::Status NoEntry(int channel, const std::string& key) {
  return absl::NotFoundError(
      absl::StrCat("address: no suppression entry for '", key, "' on channel ", channel));
}

SuppressionRead ReadOf(std::vector<Row> rows, absl::Time fallback_now) {
  SuppressionRead out{.now = rows.empty() ? fallback_now : rows.front().now};
  out.entries.reserve(rows.size());
  for (Row& r : rows) out.entries.push_back(std::move(r.entry));
  return out;
}

absl::StatusOr<SuppressionRead> ReadOf(absl::StatusOr<Row> row) {
  if (!row.ok()) return row.status();
  return SuppressionRead{.entries = {std::move(row->entry)}, .now = row->now};
}

}  // namespace

SuppressionRepository::SuppressionRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pg::Prepare(pool_, kList, kAdd, kRemove, kReactivate);
}

absl::StatusOr<SuppressionRead> SuppressionRepository::List(const SuppressionQuery& q) {
  pg::TextArray keys;
  for (const std::string& k : q.keys) keys.Add(k);
  pg::IntArray states;
  for (SuppressionState s : q.states) states.Add(static_cast<int>(s));
  const SuppressionCursor after = q.after.value_or(SuppressionCursor{});
  absl::StatusOr<std::vector<Row>> rows = pg::FetchAll(
      pool_, kList, pg::Autocommit(), q.channel.value_or(-1), keys.Finish(), q.prefix,
      std::string(KindWord(q.kind)), states.Finish(), q.failure_type, q.after.has_value(),
      absl::ToUnixMicros(after.changed_at), after.channel, after.address, q.limit);
  if (!rows.ok()) return rows.status();
  return ReadOf(*std::move(rows), absl::Now());
}

absl::StatusOr<SuppressionRead> SuppressionRepository::Add(const SuppressionAddition& a) {
  return ReadOf(pg::FetchOne(pool_, kAdd, pg::ReadWrite(), a.channel, a.address,
                             std::string(KindWord(a.kind)), a.reason, a.changed_by));
}

absl::StatusOr<SuppressionRead> SuppressionRepository::Remove(int channel, const std::string& key,
                                                              const std::string& changed_by) {
  return ReadOf(pg::FetchOne(pool_, kRemove, pg::ReadWrite().IfNone(NoEntry(channel, key)), channel,
                             key, changed_by));
}

absl::StatusOr<SuppressionRead> SuppressionRepository::Reactivate(int channel,
                                                                  const std::string& key,
                                                                  const std::string& changed_by,
                                                                  absl::Duration soft_expiry) {
  return ReadOf(pg::FetchOne(pool_, kReactivate, pg::ReadWrite().IfNone(NoEntry(channel, key)),
                             channel, key, changed_by, absl::ToInt64Milliseconds(soft_expiry)));
}

}  // namespace mc::execution
