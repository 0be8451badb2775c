#include "execution-service/archive/archive_repository.h"

#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/pg/execute.h"
#include "execution-service/events/queue_statements.h"

namespace mc::execution {
namespace {

// One queue's share of a page. {T}: the table, {Q}: the queue number, {A}: the parameter of the
// queue's id threshold (see ArchiveIdThreshold). The conditions match the partial index
// {T}_final (final_xid, id) WHERE final_xid IS NOT NULL, read in order from the cursor on.
constexpr char kPageBranch[] = R"sql((SELECT {Q}::smallint AS queue, e.id, e.final_xid,
    e.event_type, e.wished_channel,
    channel_address(e.wished_channel, e.email, e.mobile_phone, e.device_token) AS address,
    e.external_id, e.status, e.template_id, e.template_version, e.tries, e.errors, e.created_at,
    e.routed_at, e.updated_at
  FROM {T} e
  WHERE e.final_xid IS NOT NULL AND (e.final_xid, e.id) > ($1::xid8, {A}::bigint)
    AND e.final_xid < (SELECT xmin FROM horizon)
  ORDER BY e.final_xid, e.id
  LIMIT $4))sql";

// $1 cursor xid, $2 real-time id threshold, $3 batch id threshold, $4 limit.
// horizon: the oldest transaction still running when the statement's snapshot was taken.
// retries: the event's soft failures tried again (delivery_attempts), oldest first, as one JSON
// array of [try_number, failure_type, reason, tried_us, next_try_us, kind] per attempt (late
// bounces and complaints too: their statement counts them in `errors` as well); NULL when
// none. The statement that inserts an attempt also counts it in the event's `errors`, so an
// event with none (nearly all of them) is not even looked up: the CASE runs the subquery only
// for events with errors (a LATERAL join instead would set up its aggregate for every row).
constexpr char kPageSql[] = R"sql(
WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
page AS ({RT} UNION ALL {BATCH} ORDER BY 3, 1, 2 LIMIT $4)
SELECT p.queue, p.id, p.final_xid::text AS final_xid, p.event_type, p.wished_channel,
  coalesce(p.address, '') AS address, coalesce(p.external_id, '') AS external_id, p.status,
  coalesce(t.internal_name, '') AS template_name,
  coalesce(p.template_version, 0) AS template_version, coalesce(l.tries, p.tries) AS tries,
  (extract(epoch FROM p.created_at) * 1000000)::bigint AS created_us,
  (extract(epoch FROM p.routed_at) * 1000000)::bigint AS routed_us,
  (extract(epoch FROM p.updated_at) * 1000000)::bigint AS finished_us,
  l.id AS log_id, l.channel AS log_channel, l.address AS log_address, l.status AS log_status,
  coalesce(l.failure_type, '') AS log_failure_type,
  coalesce(l.failure_reason, '') AS log_failure_reason, l.tries AS log_tries,
  coalesce(l.message_id, '') AS log_message_id,
  coalesce(l.template_version, 0) AS log_template_version,
  (extract(epoch FROM l.created_at) * 1000000)::bigint AS log_us,
  CASE WHEN p.errors > 0 THEN (
    SELECT json_agg(json_build_array(a.try_number, a.failure_type, a.reason,
                                     (extract(epoch FROM a.tried_at) * 1000000)::bigint,
                                     (extract(epoch FROM a.next_try_at) * 1000000)::bigint,
                                     a.kind)
                    ORDER BY a.tried_at, a.try_number, a.kind)::text
    FROM delivery_attempts a WHERE a.event_id = p.id AND a.queue = p.queue) END AS retries
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
SELECT (SELECT valid FROM horizon) AS valid, (SELECT count(*) FROM moved) AS moved)sql";

constexpr char kAcknowledgedSql[] = "SELECT xid::text AS xid, queue, event_id FROM archive_ack";

constexpr char kQuarantineSql[] = R"sql(
SELECT channel, address, kind, reason,
  (extract(epoch FROM created_at) * 1000000)::bigint AS created_us,
  COALESCE(failure_type, '') AS failure_type, errors,
  (extract(epoch FROM first_seen_at) * 1000000)::bigint AS first_us,
  (extract(epoch FROM last_seen_at) * 1000000)::bigint AS last_us,
  (extract(epoch FROM expires_at) * 1000000)::bigint AS expires_us, active,
  COALESCE(event_queue, 0) AS event_queue, COALESCE(event_id, 0) AS event_id,
  (extract(epoch FROM removed_at) * 1000000)::bigint AS removed_us, changed_by,
  (extract(epoch FROM changed_at) * 1000000)::bigint AS changed_us
FROM quarantine
WHERE (channel, address) > ($1::smallint, $2::text)
ORDER BY channel, address
LIMIT $3)sql";

uint64_t Xid(const pg::Row& r, absl::string_view column) {
  uint64_t xid = 0;
  if (!absl::SimpleAtoi(r.Get<std::string>(column), &xid)) return 0;
  return xid;
}

// The retries column (see kPageSql). It comes from PostgreSQL's json_agg, so it is well formed;
// a parse error would throw inside the pool (INTERNAL).
std::vector<ArchivedRetry> RetriesFromJson(const std::string& text) {
  std::vector<ArchivedRetry> retries;
  for (const nlohmann::json& a : nlohmann::json::parse(text)) {
    ArchivedRetry& retry = retries.emplace_back();
    retry.try_number = a.at(0).get<int>();
    retry.failure_type = a.at(1).get<std::string>();
    retry.reason = a.at(2).get<std::string>();
    retry.tried = absl::FromUnixMicros(a.at(3).get<int64_t>());
    if (!a.at(4).is_null()) retry.next_try = absl::FromUnixMicros(a.at(4).get<int64_t>());
    retry.kind = a.at(5).get<int>();
  }
  return retries;
}

ArchivedEvent EventFromRow(const pg::Row& r) {
  ArchivedEvent e;
  e.queue = QueueFromNumber(r.Get<int>("queue"));
  e.id = r.Get<int64_t>("id");
  e.cursor = {.xid = Xid(r, "final_xid"), .queue = QueueNumber(e.queue), .id = e.id};
  e.event_type = r.Get<std::string>("event_type");
  e.channel = r.Get<int>("wished_channel");
  e.address = r.Get<std::string>("address");
  e.external_id = r.Get<std::string>("external_id");
  e.status = static_cast<EventStatus>(r.Get<int>("status"));
  e.template_internal_name = r.Get<std::string>("template_name");
  e.template_version = r.Get<int>("template_version");
  e.tries = r.Get<int>("tries");
  e.created = r.Micros("created_us");
  e.routed = r.OptionalMicros("routed_us");
  e.finished = r.Micros("finished_us");
  if (!r.IsNull("log_id")) {
    ArchivedDeliveryLog& l = e.delivery_log.emplace();
    l.id = r.Get<int64_t>("log_id");
    l.channel = r.Get<int>("log_channel");
    l.address = r.Text("log_address");
    l.status = static_cast<EventStatus>(r.Get<int>("log_status"));
    l.failure_type = r.Get<std::string>("log_failure_type");
    l.failure_reason = r.Get<std::string>("log_failure_reason");
    l.tries = r.Get<int>("log_tries");
    l.message_id = r.Get<std::string>("log_message_id");
    l.template_version = r.Get<int>("log_template_version");
    l.logged = r.Micros("log_us");
    e.message_id = l.message_id;
  }
  if (!r.IsNull("retries")) e.retries = RetriesFromJson(r.Get<std::string>("retries"));
  return e;
}

QuarantinedAddress QuarantinedFromRow(const pg::Row& r) {
  return {.channel = r.Get<int>("channel"),
          .address = r.Get<std::string>("address"),
          .kind = r.Get<std::string>("kind"),
          .reason = r.Get<std::string>("reason"),
          .created = r.Micros("created_us"),
          .failure_type = r.Get<std::string>("failure_type"),
          .errors = r.Get<int>("errors"),
          .first_seen = r.Micros("first_us"),
          .last_seen = r.Micros("last_us"),
          .expires = r.OptionalMicros("expires_us"),
          .active = r.Get<bool>("active"),
          .event_queue = r.Get<int>("event_queue"),
          .event_id = r.Get<int64_t>("event_id"),
          .removed = r.OptionalMicros("removed_us"),
          .changed_by = r.Get<std::string>("changed_by"),
          .changed_at = r.Micros("changed_us")};
}

ArchiveCursor CursorFromRow(const pg::Row& r) {
  return {.xid = Xid(r, "xid"), .queue = r.Get<int>("queue"), .id = r.Get<int64_t>("event_id")};
}

// Both queues' branches in one statement; {A}: the parameter of the branch's id threshold.
std::string PageSql() {
  const auto branch = [](Queue q, const char* threshold) {
    return QueueSql(absl::StrReplaceAll(kPageBranch, {{"{A}", threshold}}), q);
  };
  return absl::StrReplaceAll(kPageSql, {{"{RT}", branch(Queue::kRealTime, "$2")},
                                        {"{BATCH}", branch(Queue::kBatch, "$3")}});
}

const pg::Query<ArchivedEvent> kPage("archive_page", PageSql(), EventFromRow);
const pg::Query<bool> kAcknowledge("archive_acknowledge", kAcknowledgeSql,
                                   [](const pg::Row& r) { return r.Get<bool>("valid"); });
const pg::Query<ArchiveCursor> kAcknowledged("archive_acknowledged", kAcknowledgedSql,
                                             CursorFromRow);
const pg::Query<QuarantinedAddress> kQuarantine("archive_quarantine", kQuarantineSql,
                                                QuarantinedFromRow);

}  // namespace

ArchiveRepository::ArchiveRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pg::Prepare(pool_, kPage, kAcknowledge, kAcknowledged, kQuarantine);
}

// Each statement alone, autocommit: one snapshot, one round trip.
absl::StatusOr<std::vector<ArchivedEvent>> ArchiveRepository::ReadFinalEvents(
    const ArchiveCursor& after, int limit) {
  return pg::FetchAll(pool_, kPage, pg::Autocommit(), absl::StrCat(after.xid),
                      ArchiveIdThreshold(after, Queue::kRealTime),
                      ArchiveIdThreshold(after, Queue::kBatch), limit);
}

absl::Status ArchiveRepository::Acknowledge(const ArchiveCursor& cursor) {
  absl::StatusOr<bool> valid = pg::FetchOne(pool_, kAcknowledge, pg::Autocommit(),
                                            absl::StrCat(cursor.xid), cursor.queue, cursor.id);
  if (!valid.ok()) return valid.status();
  if (!*valid) {
    return absl::InvalidArgumentError(
        absl::StrCat("after: cursor xid ", cursor.xid,
                     " is beyond anything this instance exported; it is not a cursor of this "
                     "instance's archive"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ArchiveCursor> ArchiveRepository::Acknowledged() {
  return pg::FetchOne(pool_, kAcknowledged,
                      pg::Autocommit().IfNone(absl::InternalError("archive_ack has no row")));
}

absl::StatusOr<std::vector<QuarantinedAddress>> ArchiveRepository::ReadQuarantine(
    int after_channel, const std::string& after_address, int limit) {
  return pg::FetchAll(pool_, kQuarantine, pg::Autocommit(), after_channel, after_address, limit);
}

}  // namespace mc::execution
