#include "execution-service/archive/archive_repository.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace mc::execution {
namespace {

// One queue's share of a page. {T}: the table, {Q}: the queue number, {A}: the parameter of the
// queue's id threshold (see ArchiveIdThreshold). The conditions match the partial index
// {T}_final (final_xid, id) WHERE final_xid IS NOT NULL, read in order from the cursor on.
constexpr char kPageBranch[] = R"sql((SELECT {Q}::smallint AS queue, e.id, e.final_xid,
    e.event_type, e.wished_channel,
    CASE e.wished_channel WHEN 0 THEN e.email WHEN 1 THEN e.mobile_phone
                          ELSE e.device_token END AS address,
    e.external_id, e.status, e.template_id, e.template_version, e.tries, e.created_at,
    e.routed_at, e.updated_at
  FROM {T} e
  WHERE e.final_xid IS NOT NULL AND (e.final_xid, e.id) > ($1::xid8, {A}::bigint)
    AND e.final_xid < (SELECT xmin FROM horizon)
  ORDER BY e.final_xid, e.id
  LIMIT $4))sql";

// $1 cursor xid, $2 real-time id threshold, $3 batch id threshold, $4 limit.
// horizon: the oldest transaction still running when the statement's snapshot was taken.
constexpr char kPageSql[] = R"sql(
WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
page AS ({RT} UNION ALL {BATCH} ORDER BY 3, 1, 2 LIMIT $4)
SELECT p.queue, p.id, p.final_xid::text, p.event_type, p.wished_channel,
  coalesce(p.address, ''), coalesce(p.external_id, ''), p.status, coalesce(t.internal_name, ''),
  coalesce(p.template_version, 0), coalesce(l.tries, p.tries),
  (extract(epoch FROM p.created_at) * 1000000)::bigint,
  (extract(epoch FROM p.routed_at) * 1000000)::bigint,
  (extract(epoch FROM p.updated_at) * 1000000)::bigint,
  l.id, l.channel, l.address, l.status, coalesce(l.failure_type, ''),
  coalesce(l.failure_reason, ''), l.tries, coalesce(l.message_id, ''),
  coalesce(l.template_version, 0), (extract(epoch FROM l.created_at) * 1000000)::bigint
FROM page p
LEFT JOIN templates t ON t.id = p.template_id
LEFT JOIN delivery_logs l ON l.queue = p.queue AND l.event_id = p.id
ORDER BY p.final_xid, p.queue, p.id)sql";

// Forward only, and only to a cursor below the horizon (one this instance can have handed out).
constexpr char kAcknowledgeSql[] = R"sql(
WITH horizon AS (SELECT $1::xid8 < pg_snapshot_xmin(pg_current_snapshot()) AS valid),
moved AS (
  UPDATE archive_ack SET xid = $1::xid8, queue = $2, event_id = $3, updated_at = now()
  WHERE (xid, queue, event_id) < ($1::xid8, $2::smallint, $3::bigint)
    AND (SELECT valid FROM horizon)
  RETURNING 1
)
SELECT (SELECT valid FROM horizon), (SELECT count(*) FROM moved))sql";

constexpr char kAcknowledgedSql[] = "SELECT xid::text, queue, event_id FROM archive_ack";

constexpr char kQuarantineSql[] = R"sql(
SELECT channel, address, kind, reason, (extract(epoch FROM created_at) * 1000000)::bigint
FROM quarantine
WHERE (channel, address) > ($1::smallint, $2::text)
ORDER BY channel, address
LIMIT $3)sql";

// $1 acknowledged xid, $2 the queue's id threshold, $3 retention in microseconds, $4 limit.
// The oldest acknowledged events first; the status test is a safeguard (final_xid is only ever
// set with a final status).
constexpr char kPurgeSql[] = R"sql(
WITH doomed AS (
  SELECT id FROM {T}
  WHERE final_xid IS NOT NULL AND (final_xid, id) <= ($1::xid8, $2::bigint)
    AND status BETWEEN 2 AND 6
    AND updated_at < now() - $3::bigint * interval '1 microsecond'
  ORDER BY final_xid, id
  LIMIT $4
), logs AS (
  DELETE FROM delivery_logs l USING doomed d
  WHERE l.queue = {Q} AND l.event_id = d.id
  RETURNING 1
), events AS (
  DELETE FROM {T} e USING doomed d WHERE e.id = d.id
  RETURNING 1
)
SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM logs))sql";

std::string Suffix(Queue q) { return q == Queue::kRealTime ? "rt" : "batch"; }

std::string Expand(const char* sql, Queue q, const char* threshold_param) {
  return absl::StrReplaceAll(sql, {{"{T}", q == Queue::kRealTime ? "rt_events" : "batch_events"},
                                   {"{Q}", q == Queue::kRealTime ? "1" : "2"},
                                   {"{A}", threshold_param}});
}

uint64_t Xid(const pqxx::field& f) {
  uint64_t xid = 0;
  if (!absl::SimpleAtoi(f.c_str(), &xid)) return 0;
  return xid;
}

std::string Text(const pqxx::field& f) { return f.is_null() ? "" : f.as<std::string>(); }

absl::Time Micros(const pqxx::field& f) { return absl::FromUnixMicros(f.as<int64_t>()); }

ArchivedEvent EventFromRow(const pqxx::row& r) {
  ArchivedEvent e;
  e.queue = r[0].as<int>() == 1 ? Queue::kRealTime : Queue::kBatch;
  e.id = r[1].as<int64_t>();
  e.cursor = {.xid = Xid(r[2]), .queue = static_cast<int>(e.queue), .id = e.id};
  e.event_type = r[3].as<std::string>();
  e.channel = r[4].as<int>();
  e.address = r[5].as<std::string>();
  e.external_id = r[6].as<std::string>();
  e.status = static_cast<EventStatus>(r[7].as<int>());
  e.template_internal_name = r[8].as<std::string>();
  e.template_version = r[9].as<int>();
  e.tries = r[10].as<int>();
  e.created = Micros(r[11]);
  if (!r[12].is_null()) e.routed = Micros(r[12]);
  e.finished = Micros(r[13]);
  if (!r[14].is_null()) {
    ArchivedDeliveryLog& l = e.delivery_log.emplace();
    l.id = r[14].as<int64_t>();
    l.channel = r[15].as<int>();
    l.address = Text(r[16]);
    l.status = static_cast<EventStatus>(r[17].as<int>());
    l.failure_type = r[18].as<std::string>();
    l.failure_reason = r[19].as<std::string>();
    l.tries = r[20].as<int>();
    l.message_id = r[21].as<std::string>();
    l.template_version = r[22].as<int>();
    l.logged = Micros(r[23]);
  }
  return e;
}

}  // namespace

ArchiveRepository::ArchiveRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pool_.Prepare(
      "archive_page",
      absl::StrReplaceAll(kPageSql, {{"{RT}", Expand(kPageBranch, Queue::kRealTime, "$2")},
                                     {"{BATCH}", Expand(kPageBranch, Queue::kBatch, "$3")}}));
  pool_.Prepare("archive_acknowledge", kAcknowledgeSql);
  pool_.Prepare("archive_acknowledged", kAcknowledgedSql);
  pool_.Prepare("archive_quarantine", kQuarantineSql);
  for (Queue q : {Queue::kRealTime, Queue::kBatch}) {
    pool_.Prepare("archive_purge_" + Suffix(q), Expand(kPurgeSql, q, ""));
  }
}

absl::StatusOr<std::vector<ArchivedEvent>> ArchiveRepository::ReadFinalEvents(
    const ArchiveCursor& after, int limit) {
  std::vector<ArchivedEvent> out;
  const std::string xid = absl::StrCat(after.xid);
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    out.clear();
    pqxx::nontransaction tx(c);  // one statement: one snapshot, one round trip
    pqxx::result r =
        tx.exec_prepared("archive_page", xid, ArchiveIdThreshold(after, Queue::kRealTime),
                         ArchiveIdThreshold(after, Queue::kBatch), limit);
    out.reserve(r.size());
    for (const pqxx::row& row : r) out.push_back(EventFromRow(row));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status ArchiveRepository::Acknowledge(const ArchiveCursor& cursor) {
  bool valid = true;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r =
        tx.exec_prepared("archive_acknowledge", absl::StrCat(cursor.xid), cursor.queue, cursor.id);
    valid = r[0][0].as<bool>();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!valid) {
    return absl::InvalidArgumentError(
        absl::StrCat("after: cursor xid ", cursor.xid,
                     " is beyond anything this instance exported; it is not a cursor of this "
                     "instance's archive"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ArchiveCursor> ArchiveRepository::Acknowledged() {
  ArchiveCursor out;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_prepared("archive_acknowledged");
    if (r.empty()) return absl::InternalError("archive_ack has no row");
    out = {.xid = Xid(r[0][0]), .queue = r[0][1].as<int>(), .id = r[0][2].as<int64_t>()};
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<QuarantinedAddress>> ArchiveRepository::ReadQuarantine(
    int after_channel, const std::string& after_address, int limit) {
  std::vector<QuarantinedAddress> out;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    out.clear();
    pqxx::nontransaction tx(c);
    for (const pqxx::row& r :
         tx.exec_prepared("archive_quarantine", after_channel, after_address, limit)) {
      out.push_back({.channel = r[0].as<int>(),
                     .address = r[1].as<std::string>(),
                     .kind = r[2].as<std::string>(),
                     .reason = r[3].as<std::string>(),
                     .created = Micros(r[4])});
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<PurgeCounts> ArchiveRepository::PurgeBatch(Queue queue,
                                                          const ArchiveCursor& acknowledged,
                                                          absl::Duration retention, int limit) {
  PurgeCounts out;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);  // autocommit: the rows are locked for this statement only
    pqxx::result r = tx.exec_prepared(
        "archive_purge_" + Suffix(queue), absl::StrCat(acknowledged.xid),
        ArchiveIdThreshold(acknowledged, queue), absl::ToInt64Microseconds(retention), limit);
    out = {.events_deleted = r[0][0].as<int64_t>(), .delivery_logs_deleted = r[0][1].as<int64_t>()};
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace mc::execution
