#include "execution-service/partitions/partition_repository.h"

#include <pqxx/pqxx>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/pg/execute.h"

namespace mc::execution {
namespace {

constexpr char kRotateSql[] =
    "SELECT mc_rotate_partitions($1::bigint * interval '1 microsecond', $2) AS k";

constexpr char kPeriodsSql[] = R"sql(
SELECT k, (extract(epoch FROM opened_at) * 1000000)::bigint AS opened_us,
  (extract(epoch FROM closed_at) * 1000000)::bigint AS closed_us
FROM event_partitions ORDER BY k)sql";

// $1 acknowledged xid, $2 / $3 the real-time / batch id thresholds of the acknowledged cursor
// (ArchiveIdThreshold), $4 the retention in microseconds. Each NOT EXISTS is one probe of a
// partial index of the period's partition (pending, delivering, final after the cursor), and
// the period's last end is the newest entry of its final index (final_xid follows commit order
// to within a transaction's length): the id range prunes the other partitions. A period with a
// webhook still queued (webhook_outbox, migration 0008) is kept: nothing queued is dropped.
constexpr char kPurgeableBranch[] = R"sql(
  AND NOT EXISTS (SELECT 1 FROM {T} e WHERE e.id >= p.lo AND e.id < p.hi AND e.status = 0)
  AND NOT EXISTS (SELECT 1 FROM {T} e WHERE e.id >= p.lo AND e.id < p.hi AND e.status = 1)
  AND NOT EXISTS (SELECT 1 FROM {T} e WHERE e.id >= p.lo AND e.id < p.hi
                  AND e.final_xid IS NOT NULL AND (e.final_xid, e.id) > ($1::xid8, {A}::bigint)))sql";

constexpr char kLastEnd[] = R"sql((SELECT e.updated_at FROM {T} e
    WHERE e.id >= p.lo AND e.id < p.hi AND e.final_xid IS NOT NULL
    ORDER BY e.final_xid DESC, e.id DESC LIMIT 1))sql";

constexpr char kPurgeableSql[] = R"sql(
SELECT k, is_open FROM (
  SELECT p.k, p.closed_at IS NULL AS is_open, greatest({RT_END}, {BATCH_END}) AS last_end
  FROM (SELECT k, closed_at, k::bigint << 32 AS lo, (k::bigint + 1) << 32 AS hi
        FROM event_partitions) p
  WHERE true {RT} {BATCH}
    AND NOT EXISTS (SELECT 1 FROM webhook_outbox w
                    WHERE w.event_id >= p.lo AND w.event_id < p.hi AND w.state = 0)
) q
WHERE coalesce(last_end, '-infinity') <= now() - $4::bigint * interval '1 microsecond'
  AND (NOT is_open OR last_end IS NOT NULL)
ORDER BY k)sql";

std::string PurgeableSql() {
  const auto branch = [](const char* table, const char* threshold) {
    return absl::StrReplaceAll(kPurgeableBranch, {{"{T}", table}, {"{A}", threshold}});
  };
  const auto last_end = [](const char* table) {
    return absl::StrReplaceAll(kLastEnd, {{"{T}", table}});
  };
  return absl::StrReplaceAll(kPurgeableSql, {{"{RT}", branch("rt_events", "$2")},
                                             {"{BATCH}", branch("batch_events", "$3")},
                                             {"{RT_END}", last_end("rt_events")},
                                             {"{BATCH_END}", last_end("batch_events")}});
}

PartitionPeriod PeriodFromRow(const pg::Row& r) {
  return {.k = r.Get<int>("k"),
          .opened = r.Micros("opened_us"),
          .closed = r.OptionalMicros("closed_us")};
}

const pg::Query<int> kRotate("partitions_rotate", kRotateSql);
const pg::Query<PartitionPeriod> kPeriods("partitions_periods", kPeriodsSql, PeriodFromRow);
PurgeablePeriod PurgeableFromRow(const pg::Row& r) {
  return {.k = r.Get<int>("k"), .open = r.Get<bool>("is_open")};
}

const pg::Query<PurgeablePeriod> kPurgeable("partitions_purgeable", PurgeableSql(),
                                            PurgeableFromRow);

// Every partitioned table of a period (migrations 0007 and 0008); the events and their logs are
// counted.
constexpr const char* kTables[] = {"rt_events", "batch_events", "delivery_logs",
                                   "delivery_attempts", "webhook_outbox"};

// Where a partition stands: attached, attached with a detach pending, detached, gone.
enum class PartState { kAttached, kDetachPending, kDetached, kGone };

PartState StateOf(pqxx::nontransaction& tx, const std::string& part) {
  const pqxx::result r = tx.exec_params(
      "SELECT to_regclass(quote_ident($1)) IS NOT NULL, "
      "(SELECT inhdetachpending FROM pg_inherits WHERE inhrelid = to_regclass(quote_ident($1)))",
      part);
  if (!r[0][0].as<bool>()) return PartState::kGone;
  if (r[0][1].is_null()) return PartState::kDetached;
  return r[0][1].as<bool>() ? PartState::kDetachPending : PartState::kAttached;
}

// Counts period k's rows, then detaches and drops its partitions, each step after looking where
// the partition stands, so a call resumes what an earlier one left.
DroppedPeriod DropLocked(pqxx::nontransaction& tx, int k, double rest) {
  DroppedPeriod out;
  // Ends a step: adds its time to `total`, then rests in proportion.
  absl::Time step = absl::Now();
  const auto done = [&](absl::Duration& total) {
    const absl::Duration took = absl::Now() - step;
    total += took;
    const absl::Duration pause = took * rest;
    absl::SleepFor(pause);
    out.resting += pause;
    step = absl::Now();
  };
  for (const char* table : kTables) {
    const std::string name = table;
    const bool logs = name == "delivery_logs";
    const bool counted = logs || name == "rt_events" || name == "batch_events";
    const std::string part = absl::StrCat(table, "_p", k);
    const std::string q = tx.quote_name(part);
    const PartState state = StateOf(tx, part);
    if (state == PartState::kGone) continue;
    step = absl::Now();
    // Every event of a purged period is final: its final index lists them all. Counted from
    // the index (its pages are a small part of the table's, and mostly all-visible once
    // autovacuum went by), never by reading the whole table beside the traffic.
    if (counted) {
      const int64_t rows = tx.exec(absl::StrCat("SELECT count(*) FROM ", q,
                                                logs ? "" : " WHERE final_xid IS NOT NULL"))[0][0]
                               .as<int64_t>();
      (logs ? out.counts.delivery_logs_deleted : out.counts.events_deleted) += rows;
    }
    done(out.counting);
    if (state != PartState::kDetached) {
      tx.exec(absl::StrCat("ALTER TABLE ", tx.quote_name(table), " DETACH PARTITION ", q,
                           state == PartState::kAttached ? " CONCURRENTLY" : " FINALIZE"));
    }
    done(out.detaching);
    tx.exec("DROP TABLE IF EXISTS " + q);
    done(out.dropping);
  }
  tx.exec_params("DELETE FROM event_partitions WHERE k = $1", k);
  return out;
}

}  // namespace

PartitionRepository::PartitionRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pg::Prepare(pool_, kRotate, kPeriods, kPurgeable);
}

absl::StatusOr<int> PartitionRepository::Rotate(absl::Duration period, bool force) {
  return pg::FetchOne(pool_, kRotate, pg::Autocommit(), absl::ToInt64Microseconds(period), force);
}

absl::StatusOr<std::vector<PartitionPeriod>> PartitionRepository::Periods() {
  return pg::FetchAll(pool_, kPeriods, pg::ReadOnly());
}

absl::StatusOr<std::vector<PurgeablePeriod>> PartitionRepository::Purgeable(
    const ArchiveCursor& acknowledged, absl::Duration retention) {
  return pg::FetchAll(pool_, kPurgeable, pg::Autocommit(), absl::StrCat(acknowledged.xid),
                      ArchiveIdThreshold(acknowledged, Queue::kRealTime),
                      ArchiveIdThreshold(acknowledged, Queue::kBatch),
                      absl::ToInt64Microseconds(retention));
}

// DETACH ... CONCURRENTLY cannot run in a transaction block: each statement commits alone.
// Every step checks where the partition stands first, so a call resumes what an earlier one
// left (the body may also run again after a lost connection).
absl::StatusOr<DroppedPeriod> PartitionRepository::Drop(int k, double rest) {
  return pg::WithConnection(pool_, [&](pqxx::connection& c) -> absl::StatusOr<DroppedPeriod> {
    pqxx::nontransaction tx(c);
    // Replicas drop one period at a time: a second one waits, then finds nothing left. A session
    // lock (DETACH CONCURRENTLY commits on its own), released on every way out: an exception
    // that kept the session alive would leave it held on a pooled connection.
    tx.exec(
        "SELECT pg_advisory_lock(hashtextextended('mc_partition_drop:' || current_schema(), 0))");
    // The counts read indexes (DropLocked); the settings end with the drop, as the lock does.
    const auto release = [&] {
      tx.exec("RESET enable_seqscan");
      tx.exec("RESET enable_bitmapscan");
      tx.exec("SELECT pg_advisory_unlock_all()");
    };
    try {
      tx.exec("SET enable_seqscan = off");
      tx.exec("SET enable_bitmapscan = off");
      DroppedPeriod dropped = DropLocked(tx, k, rest);
      release();
      return dropped;
    } catch (const pqxx::broken_connection&) {
      throw;  // the session and its lock are gone
    } catch (...) {
      release();
      throw;
    }
  });
}

}  // namespace mc::execution
