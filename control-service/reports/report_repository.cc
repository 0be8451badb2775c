#include "control-service/reports/report_repository.h"

#include "absl/strings/str_cat.h"
#include "common/pg/array_literal.h"
#include "common/pg/execute.h"

namespace mc::control {
namespace {

// $1 from, $2 to, $3 accounts (empty: all), $4 channel (NULL: all), $5 event type ('': all).
#define MC_FILTER                                                       \
  " e.created_at >= $1::timestamptz AND e.created_at < $2::timestamptz" \
  " AND (cardinality($3::text[]) = 0 OR e.account = ANY($3::text[]))"   \
  " AND ($4::smallint IS NULL OR e.channel = $4::smallint)"             \
  " AND ($5::text = '' OR e.event_type = $5::text)"

constexpr char kServiceLevelSql[] =
    "SELECT coalesce(e.account, '') AS account, count(*) AS incoming, "
    "count(*) FILTER (WHERE e.status = 2) AS sent, "
    "coalesce(avg(extract(epoch FROM l.logged_at - e.routed_at)) FILTER (WHERE e.status = 2), 0) "
    "AS average_sending_seconds, count(*) FILTER (WHERE e.status = 5) AS not_taken_into_account, "
    "count(*) FILTER (WHERE e.status = 6) AS expired, "
    "count(*) FILTER (WHERE e.status = 4) AS delivery_failed, "
    "count(*) FILTER (WHERE e.status = 3) AS ignored, "
    "count(*) FILTER (WHERE e.status = 7) AS cancelled "
    "FROM archived_events e LEFT JOIN archived_delivery_logs l "
    "ON l.account = e.account AND l.event_id = e.remote_id WHERE" MC_FILTER
    " GROUP BY ROLLUP (e.account) ORDER BY e.account NULLS LAST";

constexpr char kTimesSql[] =
    "SELECT coalesce(e.account, '') AS account, "
    "coalesce(avg(extract(epoch FROM e.routed_at - e.created_at)), 0) AS average_queuing_seconds, "
    "coalesce(avg(extract(epoch FROM l.logged_at - e.routed_at)), 0) AS average_sending_seconds "
    "FROM archived_events e LEFT JOIN archived_delivery_logs l "
    "ON l.account = e.account AND l.event_id = e.remote_id WHERE" MC_FILTER
    " GROUP BY ROLLUP (e.account) ORDER BY e.account NULLS LAST";

// Events received (at most 7 days before) and not yet final at each sample of the period: from
// `from`, every hour, before `to`. One pass: +1 when an event arrives, -1 when it ends, summed
// per sample bucket (a change at or before a sample counts at it), then a running sum.
constexpr char kQueueSql[] =
    "WITH accts AS (SELECT DISTINCT e.account FROM archived_events e WHERE" MC_FILTER
    "), "
    "grid AS (SELECT a.account, k FROM accts a CROSS JOIN generate_series(0, "
    "  ceil(extract(epoch FROM $2::timestamptz - $1::timestamptz) / 3600)::int - 1) k), "
    "changes AS (SELECT e.account, e.created_at AS at, 1 AS d, e.finished_at "
    "  FROM archived_events e WHERE e.created_at >= $1::timestamptz - interval '7 days' "
    "  AND e.created_at < $2::timestamptz "
    "  AND (cardinality($3::text[]) = 0 OR e.account = ANY($3::text[])) "
    "  AND ($4::smallint IS NULL OR e.channel = $4::smallint) "
    "  AND ($5::text = '' OR e.event_type = $5::text)), "
    "moves AS (SELECT account, at, d FROM changes UNION ALL "
    "  SELECT account, finished_at, -1 FROM changes), "
    "buckets AS (SELECT account, greatest(0, ceil(extract(epoch FROM at - $1::timestamptz) "
    "  / 3600))::int AS k, sum(d) AS d FROM moves GROUP BY 1, 2), "
    "samples AS (SELECT g.account, g.k, sum(coalesce(b.d, 0)) OVER (PARTITION BY g.account "
    "  ORDER BY g.k) AS n FROM grid g LEFT JOIN buckets b USING (account, k)), "
    "totals AS (SELECT k, sum(n) AS n FROM samples GROUP BY k) "
    "SELECT account, min(n)::bigint AS queue_min, avg(n)::float8 AS queue_avg, "
    "max(n)::bigint AS queue_max FROM samples GROUP BY account "
    "UNION ALL SELECT '', coalesce(min(n), 0)::bigint, coalesce(avg(n), 0)::float8, "
    "coalesce(max(n), 0)::bigint FROM totals";

constexpr char kHistorySql[] =
    "SELECT (extract(epoch FROM date_trunc($6, e.created_at, 'UTC')) * 1000000)::bigint "
    "AS period_us, e.event_type, count(*) AS events, count(*) FILTER (WHERE e.status = 2) AS sent "
    "FROM archived_events e WHERE" MC_FILTER " GROUP BY 1, 2 ORDER BY 1, 2";

constexpr char kStatusCountsSql[] =
    "SELECT e.account, e.status, count(*) AS events FROM archived_events e WHERE" MC_FILTER
    " GROUP BY 1, 2 ORDER BY 1, 2";

#undef MC_FILTER

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone());
}

ServiceLevelRow ServiceLevelFromRow(const pg::Row& r) {
  return {.account = r.Get<std::string>("account"),
          .incoming = r.Get<int64_t>("incoming"),
          .sent = r.Get<int64_t>("sent"),
          .average_sending_seconds = r.Get<double>("average_sending_seconds"),
          .not_taken_into_account = r.Get<int64_t>("not_taken_into_account"),
          .expired = r.Get<int64_t>("expired"),
          .delivery_failed = r.Get<int64_t>("delivery_failed"),
          .ignored = r.Get<int64_t>("ignored"),
          .cancelled = r.Get<int64_t>("cancelled")};
}

ProcessingTimeRow TimesFromRow(const pg::Row& r) {
  return {.account = r.Get<std::string>("account"),
          .average_queuing_seconds = r.Get<double>("average_queuing_seconds"),
          .average_sending_seconds = r.Get<double>("average_sending_seconds")};
}

// Only the queue's figures.
ProcessingTimeRow QueueFromRow(const pg::Row& r) {
  return {.account = r.Get<std::string>("account"),
          .queue_min = r.Get<int64_t>("queue_min"),
          .queue_avg = r.Get<double>("queue_avg"),
          .queue_max = r.Get<int64_t>("queue_max")};
}

HistoryRow HistoryFromRow(const pg::Row& r) {
  return {.period_start = r.Micros("period_us"),
          .event_type = r.Get<std::string>("event_type"),
          .events = r.Get<int64_t>("events"),
          .sent = r.Get<int64_t>("sent")};
}

StatusCountRow StatusCountFromRow(const pg::Row& r) {
  return {.account = r.Get<std::string>("account"),
          .status = r.Get<int>("status"),
          .events = r.Get<int64_t>("events")};
}

const pg::Query<ServiceLevelRow> kServiceLevel("report_service_level", kServiceLevelSql,
                                               ServiceLevelFromRow);
const pg::Query<ProcessingTimeRow> kTimes("report_times", kTimesSql, TimesFromRow);
const pg::Query<ProcessingTimeRow> kQueue("report_queue", kQueueSql, QueueFromRow);
const pg::Query<HistoryRow> kHistory("report_history", kHistorySql, HistoryFromRow);
const pg::Query<StatusCountRow> kStatusCounts("report_status_counts", kStatusCountsSql,
                                              StatusCountFromRow);

// A report statement over the filter's period, accounts, channel and event type ($1 to $5),
// then `extra` parameters, in one read-only transaction.
template <typename T, typename... Extra>
absl::StatusOr<std::vector<T>> Fetch(pg::ConnectionPool& pool, const pg::Query<T>& query,
                                     const ReportFilter& f, const Extra&... extra) {
  if (f.to <= f.from || f.to - f.from > absl::Hours(24 * 366)) {
    return absl::InvalidArgumentError("period: 'to' must be after 'from', at most 366 days");
  }
  pg::TextArray accounts;
  for (const std::string& a : f.accounts) accounts.Add(a);
  return pg::FetchAll(pool, query, pg::ReadOnly(), Rfc3339(f.from), Rfc3339(f.to),
                      accounts.Finish(), f.channel, f.event_type, extra...);
}

}  // namespace

ReportRepository::ReportRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pg::Prepare(pool_, kServiceLevel, kTimes, kQueue, kHistory, kStatusCounts);
}

absl::StatusOr<std::vector<ServiceLevelRow>> ReportRepository::ServiceLevel(const ReportFilter& f) {
  absl::StatusOr<std::vector<ServiceLevelRow>> rows = Fetch(pool_, kServiceLevel, f);
  if (rows.ok() && rows->empty()) rows->push_back({});  // the total row, even with nothing archived
  return rows;
}

absl::StatusOr<std::vector<ProcessingTimeRow>> ReportRepository::ProcessingTime(
    const ReportFilter& f) {
  absl::StatusOr<std::vector<ProcessingTimeRow>> rows = Fetch(pool_, kTimes, f);
  if (!rows.ok()) return rows;
  if (rows->empty()) rows->push_back({});
  absl::StatusOr<std::vector<ProcessingTimeRow>> queue = Fetch(pool_, kQueue, f);
  if (!queue.ok()) return queue.status();
  for (const ProcessingTimeRow& q : *queue) {
    for (ProcessingTimeRow& row : *rows) {
      if (row.account != q.account) continue;
      row.queue_min = q.queue_min;
      row.queue_avg = q.queue_avg;
      row.queue_max = q.queue_max;
    }
  }
  return rows;
}

absl::StatusOr<std::vector<HistoryRow>> ReportRepository::History(const ReportFilter& f,
                                                                  bool daily) {
  return Fetch(pool_, kHistory, f, std::string(daily ? "day" : "hour"));
}

absl::StatusOr<std::vector<StatusCountRow>> ReportRepository::StatusCounts(const ReportFilter& f) {
  return Fetch(pool_, kStatusCounts, f);
}

}  // namespace mc::control
