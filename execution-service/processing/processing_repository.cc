#include "execution-service/processing/processing_repository.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/pg/array_literal.h"

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

// Every statement that sets a final status (2 to 6) stamps final_xid with its transaction id:
// the archive export's order (execution-service/archive/).

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
// (address_key(), migration 0005): the event's address is compared by its key, so a domain's
// case never matters.
constexpr char kReturning[] = R"sql(e.id, e.status, e.event_type, e.email, e.mobile_phone,
  e.device_token, e.wished_channel, e.external_id, e.origin, e.language, e.country, e.ctx::text,
  e.template_id, e.template_version, e.tries,
  (e.expires_at IS NOT NULL AND e.expires_at <= now()),
  EXISTS (SELECT 1 FROM quarantine q WHERE q.channel = e.wished_channel AND q.address =
          address_key(e.wished_channel, CASE e.wished_channel WHEN 0 THEN e.email
                                          WHEN 1 THEN e.mobile_phone ELSE e.device_token END)),
  extract(epoch FROM now() - e.created_at)::float8)sql";

// Delivery logs (one per event: the first writer wins), quarantined addresses (stored as their
// keys, whatever the caller passed) and the next try of soft failures, in one statement.
constexpr char kOutcomesSql[] = R"sql(
WITH logs AS (
  INSERT INTO delivery_logs (queue, event_id, channel, address, template_id, template_version,
                             status, failure_type, failure_reason, tries, message_id)
  SELECT {Q}, * FROM unnest($1::bigint[], $2::smallint[], $3::text[], $4::bigint[], $5::int[],
                            $6::smallint[], $7::text[], $8::text[], $9::int[], $10::text[])
  ON CONFLICT (queue, event_id) DO NOTHING
  RETURNING 1
), quarantined AS (
  INSERT INTO quarantine (channel, address, reason)
  SELECT c, address_key(c, a), r
  FROM unnest($11::smallint[], $12::text[], $13::text[]) AS u(c, a, r)
  ON CONFLICT (channel, address) DO NOTHING
  RETURNING 1
), retried AS (
  UPDATE {T} e SET tries = e.tries + 1, errors = e.errors + 1,
    lease_until = now() + r.delay_ms * interval '1 millisecond', updated_at = now()
  FROM unnest($14::bigint[], $15::bigint[]) AS r(id, delay_ms)
  WHERE e.id = r.id AND e.status = 1
  RETURNING 1
)
SELECT (SELECT count(*) FROM logs), (SELECT count(*) FROM quarantined),
       (SELECT count(*) FROM retried))sql";

// updateEventStatus, step 1: take a batch of logs not yet applied (whatever the order their
// transactions committed in), step 2: copy their outcomes onto the events by primary key.
constexpr char kTakeLogsSql[] = R"sql(
UPDATE delivery_logs SET applied = true
WHERE id IN (SELECT id FROM delivery_logs WHERE NOT applied ORDER BY id LIMIT $1
             FOR UPDATE SKIP LOCKED)
RETURNING queue, event_id, status)sql";

constexpr char kApplyStatusSql[] = R"sql(
UPDATE {T} e SET status = u.status, final_xid = pg_current_xact_id(), lease_until = NULL,
  updated_at = now()
FROM unnest($1::bigint[], $2::smallint[]) AS u(id, status)
WHERE e.id = u.id AND e.status = 1
RETURNING e.status)sql";

std::string Suffix(Queue q) { return q == Queue::kRealTime ? "rt" : "batch"; }

std::string Expand(const char* sql, Queue q) {
  return absl::StrReplaceAll(sql, {{"{T}", q == Queue::kRealTime ? "rt_events" : "batch_events"},
                                   {"{Q}", q == Queue::kRealTime ? "1" : "2"},
                                   {"{R}", kReturning}});
}

std::string Text(const pqxx::field& f) { return f.is_null() ? "" : f.as<std::string>(); }

DeliveryItem ItemFromRow(const pqxx::row& r) {
  DeliveryItem d;
  d.id = r[0].as<int64_t>();
  NewEvent& e = d.event;
  e.type = r[2].as<std::string>();
  e.email = Text(r[3]);
  e.mobile_phone = Text(r[4]);
  e.device_token = Text(r[5]);
  e.wished_channel = r[6].as<int>();
  e.external_id = Text(r[7]);
  e.origin = Text(r[8]);
  e.language = Text(r[9]);
  e.country = Text(r[10]);
  e.ctx_json = r[11].as<std::string>();
  d.template_id = r[12].is_null() ? 0 : r[12].as<int64_t>();
  d.template_version = r[13].is_null() ? 0 : r[13].as<int>();
  d.tries = r[14].as<int>();
  d.expired = r[15].as<bool>();
  d.quarantined = r[16].as<bool>();
  d.age = absl::Seconds(std::max(0.0, r[17].as<double>()));  // the server's clock, both ends
  return d;
}

std::string IntervalText(absl::Duration d) {
  return absl::StrCat(absl::ToInt64Milliseconds(d), " milliseconds");
}

}  // namespace

ProcessingRepository::ProcessingRepository(pg::ConnectionPool& pool) : pool_(pool) {
  for (Queue q : {Queue::kRealTime, Queue::kBatch}) {
    pool_.Prepare("route_" + Suffix(q), Expand(kRouteSql, q));
    pool_.Prepare("outcomes_" + Suffix(q), Expand(kOutcomesSql, q));
    pool_.Prepare("apply_status_" + Suffix(q), Expand(kApplyStatusSql, q));
  }
  pool_.Prepare("take_logs", kTakeLogsSql);
}

absl::StatusOr<RouteResult> ProcessingRepository::ClaimAndRoute(Queue queue, int limit,
                                                                absl::Duration lease) {
  RouteResult out;
  const std::string lease_text = IntervalText(lease);
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    out = RouteResult();
    pqxx::nontransaction tx(c);
    for (const pqxx::row& r : tx.exec_prepared("route_" + Suffix(queue), limit, lease_text)) {
      const bool reclaimed = r[18].as<bool>();
      if (!reclaimed) ++out.claimed;
      switch (r[1].as<int>()) {
        case 1:
          out.to_deliver.push_back(ItemFromRow(r));
          break;
        case 5:
          ++out.not_taken;
          break;
        default:
          ++out.expired;
      }
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status ProcessingRepository::RecordOutcomes(Queue queue,
                                                  const std::vector<DeliveryRecord>& records,
                                                  const std::vector<QuarantineEntry>& quarantine,
                                                  const std::vector<RetryEntry>& retries) {
  pg::IntArray ids, channels, template_ids, versions, statuses, tries;
  pg::TextArray addresses, types, reasons, message_ids;
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
  }
  pg::IntArray q_channels;
  pg::TextArray q_addresses, q_reasons;
  for (const QuarantineEntry& q : quarantine) {
    q_channels.Add(q.channel);
    q_addresses.Add(q.address);
    q_reasons.Add(q.reason);
  }
  pg::IntArray retry_ids, retry_delays;
  for (const RetryEntry& r : retries) {
    retry_ids.Add(r.event_id);
    retry_delays.Add(absl::ToInt64Milliseconds(r.delay));
  }
  return pool_.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec_prepared("outcomes_" + Suffix(queue), ids.Finish(), channels.Finish(),
                     addresses.Finish(), template_ids.Finish(), versions.Finish(),
                     statuses.Finish(), types.Finish(), reasons.Finish(), tries.Finish(),
                     message_ids.Finish(), q_channels.Finish(), q_addresses.Finish(),
                     q_reasons.Finish(), retry_ids.Finish(), retry_delays.Finish());
    return absl::OkStatus();
  });
}

absl::StatusOr<int64_t> ProcessingRepository::ApplyDeliveryStatuses(int limit,
                                                                    FinalCounts* finished) {
  int64_t n = 0;
  FinalCounts counts;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    counts = FinalCounts();
    pqxx::work tx(c);
    tx.exec0("SET LOCAL plan_cache_mode = force_custom_plan");
    pg::IntArray ids[2], statuses[2];
    pqxx::result logs = tx.exec_prepared("take_logs", limit);
    n = static_cast<int64_t>(logs.size());
    for (const pqxx::row& r : logs) {
      int lane = r[0].as<int>() == 1 ? 0 : 1;
      ids[lane].Add(r[1].as<int64_t>());
      statuses[lane].Add(r[2].as<int>());
    }
    for (Queue q : {Queue::kRealTime, Queue::kBatch}) {
      int lane = q == Queue::kRealTime ? 0 : 1;
      if (ids[lane].Finish() == "{}") continue;
      for (const pqxx::row& r : tx.exec_prepared("apply_status_" + Suffix(q), ids[lane].Finish(),
                                                 statuses[lane].Finish())) {
        const int status = r[0].as<int>();
        if (status >= 0 && status < 7) ++counts.n[lane][status];
      }
    }
    tx.commit();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (finished != nullptr) *finished = counts;
  return n;
}

}  // namespace mc::execution
