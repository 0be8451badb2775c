#include "execution-service/processing/processing_repository.h"

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/pg/array_literal.h"
#include "common/pg/execute.h"
#include "execution-service/events/event_row.h"
#include "execution-service/events/queue_statements.h"

namespace mc::execution {
namespace {

// {T}: the queue's table, {Q}: its number. $1 limit, $2 lease (interval text).
// Every statement here runs alone, as its own transaction (one round trip, commit included).
// The claims read the pending index in id order: the pool of these statements runs with
// enable_bitmapscan off (SessionSettings), which keeps the planner from a bitmap scan of every
// pending event plus a sort when its statistics still say the queue is small, as after a burst:
// that plan costs the whole backlog per batch.
// updateEventStatus plans its statements at each run (ApplyDeliveryStatuses): a generic plan
// cached while the queues were nearly empty (a sequential scan of every delivery log, a scan of
// every Pending-delivery event per log) would cost the whole table per batch once they hold
// tens of thousands of rows, until autovacuum's next analyze. The claims keep their generic
// plan: planning that statement at every run would cost more than running it.

// Every statement that sets a final status (2 to 7; 7 is CancelEvent's,
// events/event_repository.cc) stamps final_xid with its transaction id:
// the archive export's order (execution-service/archive/).
// Every statement that changes a status (or retries a soft failure) also inserts the webhooks of
// the subscriptions that want the change (webhook_outbox, migration 0008): the outbox row
// commits with the change or not at all. Without subscriptions the join finds nothing.

// Route new events and re-claim stale deliveries in one statement.
// {T}: the queue's table, {Q}: its number. $1 limit, $2 lease (interval text).
constexpr char kRouteSql[] = R"sql(
WITH claimed AS (
  SELECT e.id, e.event_type, e.wished_channel,
         (e.expires_at IS NOT NULL AND e.expires_at <= now()) AS expired
  FROM {T} e
  WHERE e.status = 0 AND (e.scheduled_at IS NULL OR e.scheduled_at <= now())
  ORDER BY e.id
  LIMIT $1
  FOR UPDATE SKIP LOCKED
), routes AS (
  SELECT DISTINCT ON (event_type, channel) id, version, event_type, channel
  FROM templates
  WHERE queue = {Q} AND unpublished_at IS NULL
  ORDER BY event_type, channel, published_at DESC, id DESC
), routed AS (
  UPDATE {T} e SET
    status = CASE WHEN c.expired THEN 6 WHEN r.id IS NULL THEN 5 ELSE 1 END,
    final_xid = CASE WHEN c.expired OR r.id IS NULL THEN pg_current_xact_id() END,
    routed_at = COALESCE(e.routed_at, now()),
    template_id = r.id, template_version = r.version,
    lease_until = CASE WHEN NOT c.expired AND r.id IS NOT NULL THEN now() + $2::interval END,
    updated_at = now()
  FROM claimed c
  LEFT JOIN routes r ON r.event_type = c.event_type AND r.channel = c.wished_channel
  WHERE e.id = c.id
  RETURNING {R}, false AS reclaimed
), routed_hooks AS (
  INSERT INTO webhook_outbox (subscription, queue, event_id, status, event_type, external_id,
                              failure_type, reason, template_id, template_version)
  SELECT s.name, {Q}, r.id, r.status, r.event_type, r.external_id,
         CASE WHEN r.status = 6 THEN 'soft' END,
         CASE r.status WHEN 5 THEN 'no template published for its event type and channel'
                       WHEN 6 THEN 'expired before it was taken up' END,
         r.template_id, r.template_version
  FROM routed r
  JOIN webhook_subscriptions s
    ON NOT s.disabled AND mc_webhook_wants(s.statuses, s.event_types, r.status, r.event_type)
  RETURNING 1
), due AS (
  SELECT e.id FROM {T} e
  WHERE e.status = 1 AND e.lease_until <= now()
    AND NOT EXISTS (SELECT 1 FROM delivery_logs l WHERE l.queue = {Q} AND l.event_id = e.id)
  ORDER BY e.lease_until
  LIMIT $1
  FOR UPDATE OF e SKIP LOCKED
), reclaimed AS (
  UPDATE {T} e SET lease_until = now() + $2::interval, updated_at = now()
  FROM due WHERE e.id = due.id
  RETURNING {R}, true AS reclaimed
)
SELECT * FROM routed UNION ALL SELECT * FROM reclaimed)sql";

// What delivery needs of each event. Quarantine and deny-list rows hold address keys
// (address_key(), migration 0005) of the address the event's channel uses (channel_address(),
// migration 0006): the event's address is compared by its key, so a domain's case never matters.
// Only an entry that suppresses now counts (mc_suppresses(), migration 0009): not removed, not
// a soft entry below its threshold or past its expiry.
constexpr char kReturning[] = R"sql(e.id, e.status, e.event_type, e.email, e.mobile_phone,
  e.device_token, e.wished_channel, e.external_id, e.origin, e.language, e.country,
  e.ctx::text AS ctx, e.template_id, e.template_version, e.tries,
  (e.expires_at IS NOT NULL AND e.expires_at <= now()) AS expired,
  EXISTS (SELECT 1 FROM quarantine q WHERE q.channel = e.wished_channel AND q.address =
          address_key(e.wished_channel, channel_address(e.wished_channel, e.email,
                                                        e.mobile_phone, e.device_token))
          AND mc_suppresses(q.active, q.removed_at, q.expires_at))
    AS quarantined,
  extract(epoch FROM now() - e.created_at)::float8 AS age_seconds)sql";

// Delivery logs (one per event: the first writer wins), quarantined addresses (stored as their
// keys, whatever the caller passed) and the next try of soft failures, in one statement.
// A refusal naming the address is a hard quarantine entry caused by its event ($20: the events'
// ids, of this queue). Over an entry already there it is new evidence: a removed, expired, soft
// or counting quarantine entry becomes hard and suppresses again (one more error, seen now,
// this event the cause); a deny entry stays as it is (an operator's decision, or a complaint),
// and so does a hard entry that suppresses already. One row per key of the batch (the latest
// event's), since a statement may not update a row twice.
constexpr char kOutcomesSql[] = R"sql(
WITH logs AS (
  INSERT INTO delivery_logs (queue, event_id, channel, address, template_id, template_version,
                             status, failure_type, failure_reason, tries, message_id,
                             template_language)
  SELECT {Q}, * FROM unnest($1::bigint[], $2::smallint[], $3::text[], $4::bigint[], $5::int[],
                            $6::smallint[], $7::text[], $8::text[], $9::int[], $10::text[],
                            $21::text[])
  ON CONFLICT (queue, event_id) DO NOTHING
  RETURNING 1
), quarantined AS (
  INSERT INTO quarantine AS q (channel, address, reason, failure_type, event_queue, event_id)
  SELECT DISTINCT ON (c, address_key(c, a)) c, address_key(c, a), r, 'hard', {Q}, e
  FROM unnest($11::smallint[], $12::text[], $13::text[], $20::bigint[]) AS u(c, a, r, e)
  ORDER BY c, address_key(c, a), e DESC
  ON CONFLICT (channel, address) DO UPDATE SET failure_type = 'hard', reason = excluded.reason,
    errors = q.errors + 1, last_seen_at = now(), expires_at = NULL, active = true,
    removed_at = NULL, event_queue = excluded.event_queue, event_id = excluded.event_id,
    changed_at = now()
  WHERE q.kind = 'quarantine'
    AND NOT (q.failure_type = 'hard' AND mc_suppresses(q.active, q.removed_at, q.expires_at))
  RETURNING 1
), retried AS (
  UPDATE {T} e SET tries = e.tries + 1, errors = e.errors + 1,
    lease_until = now() + r.delay_ms * interval '1 millisecond', updated_at = now()
  FROM unnest($14::bigint[], $15::bigint[], $16::int[], $17::text[], $18::text[], $19::text[])
    AS r(id, delay_ms, try_number, reason, address, message_id)
  WHERE e.id = r.id AND e.status = 1
  RETURNING e.id, e.event_type, e.external_id, e.template_id, e.template_version, e.lease_until,
    r.try_number, r.reason, r.address, r.message_id
), attempts AS (
  INSERT INTO delivery_attempts (queue, event_id, try_number, reason, address, message_id,
                                 next_try_at)
  SELECT {Q}, id, try_number, reason, address, message_id, lease_until FROM retried
  ON CONFLICT DO NOTHING
  RETURNING 1
), attempt_hooks AS (
  INSERT INTO webhook_outbox (subscription, queue, event_id, kind, status, event_type,
                              external_id, failure_type, reason, template_id, template_version,
                              message_id, try_number, next_try_at)
  SELECT s.name, {Q}, r.id, 1, 1, r.event_type, r.external_id, 'soft', r.reason, r.template_id,
         r.template_version, r.message_id, r.try_number, r.lease_until
  FROM retried r
  JOIN webhook_subscriptions s ON NOT s.disabled AND s.every_attempt
    AND (cardinality(s.event_types) = 0 OR r.event_type = ANY (s.event_types))
  RETURNING 1
)
SELECT (SELECT count(*) FROM logs), (SELECT count(*) FROM quarantined),
       (SELECT count(*) FROM retried))sql";

// updateEventStatus walks the delivery logs in the order of the transactions that wrote them
// (logged_xid, id), from its cursor (status_cursor, migration 0007), as the archive export walks
// final events: only logs of transactions older than every transaction still running, so a log
// that commits later can never land behind the cursor. Step 1 locks the cursor (another
// replica's run holds it: nothing to do), step 2 reads a batch of logs after it, step 3 copies
// their outcomes onto the events by primary key, step 4 moves the cursor. A log is written once;
// the cursor row is the one rewrite per batch.
constexpr char kLockCursorSql[] =
    "SELECT xid::text AS xid, log_id FROM status_cursor FOR UPDATE SKIP LOCKED";

constexpr char kTakeLogsSql[] = R"sql(
SELECT queue, event_id, status, logged_xid::text AS xid, id FROM delivery_logs
WHERE (logged_xid, id) > ($1::xid8, $2::bigint)
  AND logged_xid < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY logged_xid, id
LIMIT $3)sql";

constexpr char kMoveCursorSql[] = "UPDATE status_cursor SET xid = $1::xid8, log_id = $2";

// Each final status applied gets its webhooks (the outbox) in the same statement, with its
// delivery log's details.
constexpr char kApplyStatusSql[] = R"sql(
WITH applied AS (
  UPDATE {T} e SET status = u.status, final_xid = pg_current_xact_id(), lease_until = NULL,
    updated_at = now()
  FROM unnest($1::bigint[], $2::smallint[]) AS u(id, status)
  WHERE e.id = u.id AND e.status = 1
  RETURNING e.id, e.status, e.event_type, e.external_id, e.template_id, e.template_version
), hooks AS (
  INSERT INTO webhook_outbox (subscription, queue, event_id, status, event_type, external_id,
                              failure_type, reason, template_id, template_version, message_id,
                              try_number)
  SELECT s.name, {Q}, a.id, a.status, a.event_type, a.external_id, l.failure_type,
         l.failure_reason, a.template_id, a.template_version, l.message_id, l.tries
  FROM applied a
  JOIN webhook_subscriptions s
    ON NOT s.disabled AND mc_webhook_wants(s.statuses, s.event_types, a.status, a.event_type)
  LEFT JOIN delivery_logs l ON l.queue = {Q} AND l.event_id = a.id
  RETURNING 1
)
SELECT status FROM applied)sql";

// A claimed or re-claimed event: only those now Pending delivery (1) are read in full.
struct Routed {
  int status = 0;
  bool reclaimed = false;
  DeliveryItem item;
};

DeliveryItem ItemFromRow(const pg::Row& r) {
  DeliveryItem d;
  d.id = r.Get<int64_t>("id");
  ReadEventFields(r, &d.event);
  d.template_id = r.GetOr<int64_t>("template_id", 0);
  d.template_version = r.GetOr<int>("template_version", 0);
  d.tries = r.Get<int>("tries");
  d.expired = r.Get<bool>("expired");
  d.quarantined = r.Get<bool>("quarantined");
  // The server's clock, both ends.
  d.age = absl::Seconds(std::max(0.0, r.Get<double>("age_seconds")));
  return d;
}

Routed RoutedFromRow(const pg::Row& r) {
  Routed out{.status = r.Get<int>("status"), .reclaimed = r.Get<bool>("reclaimed")};
  if (out.status == static_cast<int>(EventStatus::kPendingDelivery)) out.item = ItemFromRow(r);
  return out;
}

struct TakenLog {
  Queue queue;
  int64_t event_id;
  int status;
  std::string xid;  // logged_xid, as text (xid8 has no binary form in libpqxx)
  int64_t id;
};

TakenLog TakenLogFromRow(const pg::Row& r) {
  return {.queue = QueueFromNumber(r.Get<int>("queue")),
          .event_id = r.Get<int64_t>("event_id"),
          .status = r.Get<int>("status"),
          .xid = r.Get<std::string>("xid"),
          .id = r.Get<int64_t>("id")};
}

struct StatusCursor {
  std::string xid;
  int64_t log_id;
};

StatusCursor StatusCursorFromRow(const pg::Row& r) {
  return {.xid = r.Get<std::string>("xid"), .log_id = r.Get<int64_t>("log_id")};
}

const PerQueue<pg::Query<Routed>> kRoute =
    QueueQueries("route", absl::StrReplaceAll(kRouteSql, {{"{R}", kReturning}}), RoutedFromRow);
const PerQueue<pg::Statement> kOutcomes = QueueStatements("outcomes", kOutcomesSql);
const PerQueue<pg::Query<int>> kApplyStatus = QueueQueries<int>("apply_status", kApplyStatusSql);
const pg::Query<StatusCursor> kLockCursor("lock_status_cursor", kLockCursorSql,
                                          StatusCursorFromRow);
const pg::Query<TakenLog> kTakeLogs("take_logs", kTakeLogsSql, TakenLogFromRow);
const pg::Statement kMoveCursor("move_status_cursor", kMoveCursorSql);

std::string IntervalText(absl::Duration d) {
  return absl::StrCat(absl::ToInt64Milliseconds(d), " milliseconds");
}

struct Applied {
  int64_t logs = 0;
  FinalCounts counts;
};

}  // namespace

ProcessingRepository::ProcessingRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pg::Prepare(pool_, kRoute, kOutcomes, kApplyStatus, kLockCursor, kTakeLogs, kMoveCursor);
}

absl::StatusOr<RouteResult> ProcessingRepository::ClaimAndRoute(Queue queue, int limit,
                                                                absl::Duration lease) {
  absl::StatusOr<std::vector<Routed>> rows =
      pg::FetchAll(pool_, kRoute[queue], pg::Autocommit(), limit, IntervalText(lease));
  if (!rows.ok()) return rows.status();
  RouteResult out;
  for (Routed& r : *rows) {
    if (!r.reclaimed) ++out.claimed;
    switch (r.status) {
      case static_cast<int>(EventStatus::kPendingDelivery):
        out.to_deliver.push_back(std::move(r.item));
        break;
      case static_cast<int>(EventStatus::kNotTakenIntoAccount):
        ++out.not_taken;
        break;
      default:
        ++out.expired;
    }
  }
  return out;
}

absl::Status ProcessingRepository::RecordOutcomes(Queue queue,
                                                  const std::vector<DeliveryRecord>& records,
                                                  const std::vector<QuarantineEntry>& quarantine,
                                                  const std::vector<RetryEntry>& retries) {
  pg::IntArray ids, channels, template_ids, versions, statuses, tries;
  pg::TextArray addresses, types, reasons, message_ids, languages;
  for (const DeliveryRecord& r : records) {
    ids.Add(r.event_id);
    channels.Add(r.channel);
    addresses.Add(r.address);
    template_ids.Add(r.template_id);
    versions.Add(r.template_version);
    statuses.Add(static_cast<int>(r.status));
    types.AddOrNull(r.failure_type);
    reasons.AddOrNull(r.failure_reason);
    tries.Add(r.tries);
    message_ids.AddOrNull(r.message_id);
    languages.AddOrNull(r.template_language);
  }
  pg::IntArray q_channels, q_events;
  pg::TextArray q_addresses, q_reasons;
  for (const QuarantineEntry& q : quarantine) {
    q_channels.Add(q.channel);
    q_events.Add(q.event_id);
    q_addresses.Add(q.address);
    q_reasons.Add(q.reason);
  }
  pg::IntArray retry_ids, retry_delays, retry_tries;
  pg::TextArray retry_reasons, retry_addresses, retry_message_ids;
  for (const RetryEntry& r : retries) {
    retry_ids.Add(r.event_id);
    retry_delays.Add(absl::ToInt64Milliseconds(r.delay));
    retry_tries.Add(r.try_number);
    retry_reasons.Add(r.reason);
    retry_addresses.Add(r.address);
    retry_message_ids.Add(r.message_id);
  }
  return pg::Execute(pool_, kOutcomes[queue], pg::Autocommit(), ids.Finish(), channels.Finish(),
                     addresses.Finish(), template_ids.Finish(), versions.Finish(),
                     statuses.Finish(), types.Finish(), reasons.Finish(), tries.Finish(),
                     message_ids.Finish(), q_channels.Finish(), q_addresses.Finish(),
                     q_reasons.Finish(), retry_ids.Finish(), retry_delays.Finish(),
                     retry_tries.Finish(), retry_reasons.Finish(), retry_addresses.Finish(),
                     retry_message_ids.Finish(), q_events.Finish(), languages.Finish())
      .status();
}

absl::StatusOr<int64_t> ProcessingRepository::ApplyDeliveryStatuses(int limit,
                                                                    FinalCounts* finished) {
  absl::StatusOr<Applied> applied =
      pg::Transact(pool_, pg::ReadWrite(), [&](pg::Transaction& tx) -> absl::StatusOr<Applied> {
        tx.SetLocal("plan_cache_mode = force_custom_plan");
        const std::optional<StatusCursor> cursor = tx.FetchOptional(kLockCursor);
        if (!cursor) return Applied{};  // another replica's run holds it
        const std::vector<TakenLog> logs =
            tx.FetchAll(kTakeLogs, cursor->xid, cursor->log_id, limit);
        if (!logs.empty()) tx.Execute(kMoveCursor, logs.back().xid, logs.back().id);
        pg::IntArray ids[kLanes], statuses[kLanes];
        for (const TakenLog& l : logs) {
          ids[LaneOf(l.queue)].Add(l.event_id);
          statuses[LaneOf(l.queue)].Add(l.status);
        }
        Applied out{.logs = static_cast<int64_t>(logs.size())};
        for (Queue q : kQueues) {
          const int lane = LaneOf(q);
          if (ids[lane].Finish() == "{}") continue;
          for (int status :
               tx.FetchAll(kApplyStatus[q], ids[lane].Finish(), statuses[lane].Finish())) {
            if (status >= 0 && status < kEventStatuses) ++out.counts.n[lane][status];
          }
        }
        return out;
      });
  if (!applied.ok()) return applied.status();
  if (finished != nullptr) *finished = applied->counts;
  return applied->logs;
}

}  // namespace mc::execution
