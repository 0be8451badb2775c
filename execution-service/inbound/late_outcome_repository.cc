#include "execution-service/inbound/late_outcome_repository.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/pg/execute.h"
#include "execution-service/events/queue_statements.h"

namespace mc::execution {
namespace {

// {T}: the queue's table, {Q}: its number. $1 event id, $2 kind (1 hard bounce, 2 soft bounce,
// 3 complaint), $3 reason, $4 quarantine the address (hard bounces), $5 soft threshold, $6 soft
// expiry (interval text).
// log: the message the relay accepted; att: its attempt, once per (event, try, kind): nothing
// after it happens for a report already recorded. suppressed is a plain SELECT of volatile
// functions: the final SELECT reads it, so it runs exactly once.
constexpr char kRecordSql[] = R"sql(
WITH target AS (
  SELECT e.status FROM {T} e WHERE e.id = $1
), log AS (
  SELECT l.event_id, l.channel, l.address, l.tries, coalesce(l.message_id, '') AS message_id
  FROM delivery_logs l
  WHERE l.queue = {Q} AND l.event_id = $1
    AND (l.status = 2 OR (l.status = 4 AND l.bounced_at IS NOT NULL))
), att AS (
  INSERT INTO delivery_attempts (queue, event_id, try_number, kind, failure_type, reason,
                                 address, message_id)
  SELECT {Q}, event_id, tries, $2::smallint, CASE WHEN $2 = 1 THEN 'hard' ELSE 'soft' END,
         left($3, 1000), address, message_id
  FROM log
  ON CONFLICT DO NOTHING
  RETURNING event_id
), relog AS (
  UPDATE delivery_logs l SET status = 4, failure_type = 'hard', failure_reason = left($3, 1000),
    bounced_at = now()
  FROM att
  WHERE $2 = 1 AND l.queue = {Q} AND l.event_id = att.event_id AND l.status = 2
  RETURNING l.event_id, l.tries, l.message_id
), failed AS (
  UPDATE {T} e SET status = 4, final_xid = pg_current_xact_id(), errors = e.errors + 1,
    lease_until = NULL, updated_at = now()
  FROM relog
  WHERE e.id = relog.event_id AND e.status IN (1, 2)
  RETURNING e.id, e.event_type, e.external_id, e.template_id, e.template_version, relog.tries,
    relog.message_id
), hooks AS (
  INSERT INTO webhook_outbox (subscription, queue, event_id, status, event_type, external_id,
                              failure_type, reason, template_id, template_version, message_id,
                              try_number)
  SELECT s.name, {Q}, f.id, 4, f.event_type, f.external_id, 'hard', left($3, 1000),
         f.template_id, f.template_version, f.message_id, f.tries
  FROM failed f
  JOIN webhook_subscriptions s
    ON NOT s.disabled AND mc_webhook_wants(s.statuses, s.event_types, 4, f.event_type)
  RETURNING 1
), suppressed AS (
  SELECT CASE $2
           WHEN 1 THEN CASE WHEN $4 THEN mc_suppress_hard(l.channel, l.address, $3, {Q},
                                                          l.event_id) END
           WHEN 2 THEN mc_suppress_soft(l.channel, l.address, $3, {Q}, l.event_id, $5,
                                        $6::interval)
           ELSE mc_suppress_complaint(l.channel, l.address, {Q}, l.event_id)
         END AS suppresses
  FROM log l JOIN att a ON a.event_id = l.event_id
)
SELECT (SELECT count(*) FROM target) AS found, (SELECT count(*) FROM log) AS sent,
       (SELECT count(*) FROM att) AS recorded, (SELECT count(*) FROM suppressed) AS suppressed,
       (SELECT count(*) FROM hooks) AS hooks)sql";

struct Recorded {
  bool found = false;
  bool sent = false;
  bool recorded = false;
};

Recorded RecordedFromRow(const pg::Row& r) {
  return {.found = r.Get<int64_t>("found") > 0,
          .sent = r.Get<int64_t>("sent") > 0,
          .recorded = r.Get<int64_t>("recorded") > 0};
}

const PerQueue<pg::Query<Recorded>> kRecord =
    QueueQueries("late_outcome", kRecordSql, RecordedFromRow);

}  // namespace

LateOutcomeRepository::LateOutcomeRepository(pg::ConnectionPool& pool, SuppressionPolicy policy)
    : pool_(pool), policy_(policy) {
  pg::Prepare(pool_, kRecord);
}

absl::StatusOr<LateOutcomeResult> LateOutcomeRepository::Record(const LateOutcome& outcome) {
  absl::StatusOr<Recorded> r =
      pg::FetchOne(pool_, kRecord[outcome.queue], pg::Autocommit(), outcome.event_id,
                   static_cast<int>(outcome.kind), outcome.reason, outcome.quarantine_address,
                   policy_.soft_threshold,
                   absl::StrCat(absl::ToInt64Milliseconds(policy_.soft_expiry), " milliseconds"));
  if (!r.ok()) return r.status();
  if (!r->found) return LateOutcomeResult::kUnknownEvent;
  if (!r->sent) return LateOutcomeResult::kNotSent;
  if (!r->recorded) return LateOutcomeResult::kDuplicate;
  return LateOutcomeResult::kApplied;
}

}  // namespace mc::execution
