#include "control-service/reports/report_repository.h"

#include "absl/strings/str_cat.h"
#include "common/pg/array_literal.h"

namespace mc::control {
namespace {

// $1 from, $2 to, $3 accounts (empty: all), $4 channel (NULL: all), $5 event type ('': all).
#define MC_FILTER                                                       \
  " e.created_at >= $1::timestamptz AND e.created_at < $2::timestamptz" \
  " AND (cardinality($3::text[]) = 0 OR e.account = ANY($3::text[]))"   \
  " AND ($4::smallint IS NULL OR e.channel = $4::smallint)"             \
  " AND ($5::text = '' OR e.event_type = $5::text)"

constexpr char kServiceLevel[] =
    "SELECT coalesce(e.account, ''), count(*), count(*) FILTER (WHERE e.status = 2), "
    "coalesce(avg(extract(epoch FROM l.logged_at - e.routed_at)) FILTER (WHERE e.status = 2), 0), "
    "count(*) FILTER (WHERE e.status = 5), count(*) FILTER (WHERE e.status = 6), "
    "count(*) FILTER (WHERE e.status = 4), count(*) FILTER (WHERE e.status = 3) "
    "FROM archived_events e LEFT JOIN archived_delivery_logs l "
    "ON l.account = e.account AND l.event_id = e.remote_id WHERE" MC_FILTER
    " GROUP BY ROLLUP (e.account) ORDER BY e.account NULLS LAST";

constexpr char kTimes[] =
    "SELECT coalesce(e.account, ''), "
    "coalesce(avg(extract(epoch FROM e.routed_at - e.created_at)), 0), "
    "coalesce(avg(extract(epoch FROM l.logged_at - e.routed_at)), 0) "
    "FROM archived_events e LEFT JOIN archived_delivery_logs l "
    "ON l.account = e.account AND l.event_id = e.remote_id WHERE" MC_FILTER
    " GROUP BY ROLLUP (e.account) ORDER BY e.account NULLS LAST";

// Events received (at most 7 days before) and not yet final at each sample of the period: from
// `from`, every hour, before `to`. One pass: +1 when an event arrives, -1 when it ends, summed
// per sample bucket (a change at or before a sample counts at it), then a running sum.
constexpr char kQueue[] =
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
    "SELECT account, min(n)::bigint, avg(n)::float8, max(n)::bigint FROM samples GROUP BY account "
    "UNION ALL SELECT '', coalesce(min(n), 0)::bigint, coalesce(avg(n), 0)::float8, "
    "coalesce(max(n), 0)::bigint FROM totals";

constexpr char kHistory[] =
    "SELECT (extract(epoch FROM date_trunc($6, e.created_at, 'UTC')) * 1000000)::bigint, "
    "e.event_type, count(*), count(*) FILTER (WHERE e.status = 2) "
    "FROM archived_events e WHERE" MC_FILTER " GROUP BY 1, 2 ORDER BY 1, 2";

constexpr char kStatusCounts[] =
    "SELECT e.account, e.status, count(*) FROM archived_events e WHERE" MC_FILTER
    " GROUP BY 1, 2 ORDER BY 1, 2";

#undef MC_FILTER

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone());
}

}  // namespace

ReportRepository::ReportRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pool_.Prepare("report_service_level", kServiceLevel);
  pool_.Prepare("report_times", kTimes);
  pool_.Prepare("report_queue", kQueue);
  pool_.Prepare("report_history", kHistory);
  pool_.Prepare("report_status_counts", kStatusCounts);
}

absl::Status ReportRepository::Query(const char* statement, const ReportFilter& f,
                                     const std::function<void(const pqxx::row&)>& on_row,
                                     const std::optional<std::string>& extra) {
  if (f.to <= f.from || f.to - f.from > absl::Hours(24 * 366)) {
    return absl::InvalidArgumentError("period: 'to' must be after 'from', at most 366 days");
  }
  pg::TextArray accounts;
  for (const std::string& a : f.accounts) accounts.Add(a);
  std::optional<int> channel = f.channel;
  return pool_.Run([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    const pqxx::result r = extra
                               ? tx.exec_prepared(statement, Rfc3339(f.from), Rfc3339(f.to),
                                                  accounts.Finish(), channel, f.event_type, *extra)
                               : tx.exec_prepared(statement, Rfc3339(f.from), Rfc3339(f.to),
                                                  accounts.Finish(), channel, f.event_type);
    for (const pqxx::row& row : r) on_row(row);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<ServiceLevelRow>> ReportRepository::ServiceLevel(const ReportFilter& f) {
  std::vector<ServiceLevelRow> rows;
  absl::Status s = Query("report_service_level", f, [&](const pqxx::row& r) {
    rows.push_back({.account = r[0].as<std::string>(),
                    .incoming = r[1].as<int64_t>(),
                    .sent = r[2].as<int64_t>(),
                    .average_sending_seconds = r[3].as<double>(),
                    .not_taken_into_account = r[4].as<int64_t>(),
                    .expired = r[5].as<int64_t>(),
                    .delivery_failed = r[6].as<int64_t>(),
                    .ignored = r[7].as<int64_t>()});
  });
  if (!s.ok()) return s;
  if (rows.empty()) rows.push_back({});  // the total row, even with nothing archived
  return rows;
}

absl::StatusOr<std::vector<ProcessingTimeRow>> ReportRepository::ProcessingTime(
    const ReportFilter& f) {
  std::vector<ProcessingTimeRow> rows;
  absl::Status s = Query("report_times", f, [&](const pqxx::row& r) {
    rows.push_back({.account = r[0].as<std::string>(),
                    .average_queuing_seconds = r[1].as<double>(),
                    .average_sending_seconds = r[2].as<double>()});
  });
  if (!s.ok()) return s;
  if (rows.empty()) rows.push_back({});
  s = Query("report_queue", f, [&](const pqxx::row& r) {
    for (ProcessingTimeRow& row : rows) {
      if (row.account != r[0].as<std::string>()) continue;
      row.queue_min = r[1].as<int64_t>();
      row.queue_avg = r[2].as<double>();
      row.queue_max = r[3].as<int64_t>();
    }
  });
  if (!s.ok()) return s;
  return rows;
}

absl::StatusOr<std::vector<HistoryRow>> ReportRepository::History(const ReportFilter& f,
                                                                  bool daily) {
  std::vector<HistoryRow> rows;
  absl::Status s = Query(
      "report_history", f,
      [&](const pqxx::row& r) {
        rows.push_back({.period_start = absl::FromUnixMicros(r[0].as<int64_t>()),
                        .event_type = r[1].as<std::string>(),
                        .events = r[2].as<int64_t>(),
                        .sent = r[3].as<int64_t>()});
      },
      std::string(daily ? "day" : "hour"));
  if (!s.ok()) return s;
  return rows;
}

absl::StatusOr<std::vector<StatusCountRow>> ReportRepository::StatusCounts(const ReportFilter& f) {
  std::vector<StatusCountRow> rows;
  absl::Status s = Query("report_status_counts", f, [&](const pqxx::row& r) {
    rows.push_back({.account = r[0].as<std::string>(),
                    .status = r[1].as<int>(),
                    .events = r[2].as<int64_t>()});
  });
  if (!s.ok()) return s;
  return rows;
}

}  // namespace mc::control
