#include "execution-service/outbox/outbox_repository.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/pg/array_literal.h"
#include "common/pg/execute.h"
#include "execution-service/outbox/secrets_json.h"

namespace mc::execution {
namespace {

// $1 limit, $2 lease in milliseconds. The order rule is one probe of webhook_outbox_order per
// candidate; the lease is the row's next_at moved forward.
constexpr char kClaimSql[] = R"sql(
WITH due AS (
  SELECT o.event_id, o.id FROM webhook_outbox o
  JOIN webhook_subscriptions s ON s.name = o.subscription AND NOT s.disabled
  JOIN webhook_endpoint_state st ON st.subscription = o.subscription AND st.state = 1
  WHERE o.state = 0 AND o.next_at <= now()
    AND NOT EXISTS (SELECT 1 FROM webhook_outbox p
                    WHERE p.subscription = o.subscription AND p.event_id = o.event_id
                      AND p.state = 0 AND p.id < o.id)
  ORDER BY o.next_at
  LIMIT $1
  FOR UPDATE OF o SKIP LOCKED
)
UPDATE webhook_outbox o SET next_at = now() + $2::bigint * interval '1 millisecond'
FROM due WHERE o.event_id = due.event_id AND o.id = due.id
RETURNING o.id, o.subscription, o.queue, o.event_id, o.kind, o.status, o.event_type,
  o.external_id, o.failure_type, o.reason, o.template_version, o.message_id, o.try_number,
  (SELECT t.internal_name FROM templates t WHERE t.id = o.template_id) AS template_name,
  (extract(epoch FROM o.next_try_at) * 1000000)::bigint AS next_try_us,
  (extract(epoch FROM o.changed_at) * 1000000)::bigint AS changed_us, o.sends,
  (extract(epoch FROM o.first_failed_at) * 1000000)::bigint AS first_failed_us,
  (SELECT i.instance_id FROM instance_identity i) AS instance_id)sql";

constexpr char kEndpointsSql[] = R"sql(
SELECT name, url, max_batch, secrets::text AS secrets FROM webhook_subscriptions
WHERE NOT disabled ORDER BY name)sql";

// result: 0 retry, 1 delivered, 2 given up, 3 held (not sent). Only rows still queued change (a
// delete gave the others up meanwhile).
constexpr char kRecordSql[] = R"sql(
WITH r AS (
  SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::smallint[], $4::bigint[], $5::text[])
    AS r(event_id, id, result, delay_ms, error)
), done AS (
  UPDATE webhook_outbox o SET
    state = CASE r.result WHEN 1 THEN 1 WHEN 2 THEN 2 ELSE 0 END,
    sends = o.sends + CASE WHEN r.result = 3 THEN 0 ELSE 1 END,
    next_at = CASE WHEN r.result IN (0, 3) THEN now() + r.delay_ms * interval '1 millisecond'
                   ELSE o.next_at END,
    first_failed_at = CASE WHEN r.result IN (0, 2) THEN coalesce(o.first_failed_at, now())
                           ELSE o.first_failed_at END,
    last_error = CASE WHEN r.result IN (0, 2) THEN r.error ELSE o.last_error END,
    done_at = CASE WHEN r.result IN (1, 2) THEN now() END
  FROM r WHERE o.event_id = r.event_id AND o.id = r.id AND o.state = 0
  RETURNING o.subscription, r.result
), counts AS (
  SELECT subscription, count(*) FILTER (WHERE result = 1) AS delivered,
         count(*) FILTER (WHERE result = 2) AS failed
  FROM done GROUP BY subscription
)
UPDATE webhook_endpoint_state st SET delivered = st.delivered + c.delivered,
  failed = st.failed + c.failed
FROM counts c WHERE st.subscription = c.subscription AND (c.delivered > 0 OR c.failed > 0))sql";

// $1 subscriptions, $2 succeeded, $3 failed, $4 last errors, $5 pause_after in milliseconds. A
// run with a success clears the failing time; a run with only failures keeps the first one and
// pauses the endpoint once it is older than pause_after.
constexpr char kEndpointStateSql[] = R"sql(
UPDATE webhook_endpoint_state st SET
  failing_since = CASE WHEN e.succeeded THEN NULL ELSE coalesce(st.failing_since, now()) END,
  last_success_at = CASE WHEN e.succeeded THEN now() ELSE st.last_success_at END,
  last_error = CASE WHEN e.failed THEN e.last_error ELSE st.last_error END,
  state = CASE WHEN NOT e.succeeded AND st.failing_since IS NOT NULL
                    AND st.failing_since <= now() - $5::bigint * interval '1 millisecond'
               THEN 2 ELSE st.state END
FROM unnest($1::text[], $2::boolean[], $3::boolean[], $4::text[])
  AS e(subscription, succeeded, failed, last_error)
WHERE st.subscription = e.subscription AND (e.succeeded OR e.failed))sql";

constexpr char kCountQueuedSql[] = R"sql(
SELECT s.name, (SELECT count(*) FROM webhook_outbox o
                WHERE o.subscription = s.name AND o.state = 0) AS queued
FROM webhook_subscriptions s ORDER BY s.name)sql";

ClaimedWebhook ClaimedFromRow(const pg::Row& r) {
  ClaimedWebhook out;
  out.subscription = r.Get<std::string>("subscription");
  WebhookChange& c = out.change;
  c.outbox_id = r.Get<int64_t>("id");
  c.queue = QueueFromNumber(r.Get<int>("queue"));
  c.event_id = r.Get<int64_t>("event_id");
  c.attempt = r.Get<int>("kind") == 1;
  c.status = static_cast<EventStatus>(r.Get<int>("status"));
  c.event_type = r.Get<std::string>("event_type");
  c.external_id = r.GetOr<std::string>("external_id", "");
  c.failure_type = r.GetOr<std::string>("failure_type", "");
  c.reason = r.GetOr<std::string>("reason", "");
  c.template_name = r.GetOr<std::string>("template_name", "");
  c.template_version = r.GetOr<int>("template_version", 0);
  c.message_id = r.GetOr<std::string>("message_id", "");
  c.try_number = r.Get<int>("try_number");
  c.next_try = r.OptionalMicros("next_try_us");
  c.changed_at = r.Micros("changed_us");
  c.instance_id = r.GetOr<std::string>("instance_id", "");
  c.sends = r.Get<int>("sends");
  c.first_failed_at = r.OptionalMicros("first_failed_us");
  return out;
}

WebhookEndpoint EndpointFromRow(const pg::Row& r) {
  return {.subscription = r.Get<std::string>("name"),
          .url = r.Get<std::string>("url"),
          .max_batch = r.Get<int>("max_batch"),
          .secrets = SecretsFromJson(r.Get<std::string>("secrets"))};
}

std::pair<std::string, int64_t> QueuedFromRow(const pg::Row& r) {
  return {r.Get<std::string>("name"), r.Get<int64_t>("queued")};
}

const pg::Query<ClaimedWebhook> kClaim("outbox_claim", kClaimSql, ClaimedFromRow);
const pg::Query<WebhookEndpoint> kEndpoints("outbox_endpoints", kEndpointsSql, EndpointFromRow);
const pg::Statement kRecord("outbox_record", kRecordSql);
const pg::Statement kEndpointState("outbox_endpoint_state", kEndpointStateSql);
const pg::Query<std::pair<std::string, int64_t>> kCountQueued("outbox_count_queued",
                                                              kCountQueuedSql, QueuedFromRow);

int ResultNumber(WebhookResult::Kind k) {
  switch (k) {
    case WebhookResult::Kind::kRetry:
      return 0;
    case WebhookResult::Kind::kDelivered:
      return 1;
    case WebhookResult::Kind::kGiveUp:
      return 2;
    case WebhookResult::Kind::kHeld:
      return 3;
  }
  return 0;
}

}  // namespace

OutboxRepository::OutboxRepository(pg::ConnectionPool& pool, std::string schema)
    : pool_(pool), schema_(std::move(schema)) {
  pg::Prepare(pool_, kClaim, kEndpoints, kRecord, kEndpointState, kCountQueued);
}

std::string OutboxRepository::WebhookId(const std::string& schema, int64_t event_id,
                                        int64_t outbox_id) {
  return absl::StrCat("wh_", schema, "_", event_id, "_", outbox_id);
}

bool OutboxRepository::ParseWebhookId(const std::string& schema, const std::string& id,
                                      int64_t* event_id, int64_t* outbox_id) {
  const std::string prefix = absl::StrCat("wh_", schema, "_");
  if (id.size() <= prefix.size() || id.compare(0, prefix.size(), prefix) != 0) return false;
  const std::vector<std::string> parts = absl::StrSplit(id.substr(prefix.size()), '_');
  return parts.size() == 2 && absl::SimpleAtoi(parts[0], event_id) &&
         absl::SimpleAtoi(parts[1], outbox_id) && *event_id > 0 && *outbox_id > 0;
}

absl::StatusOr<std::vector<ClaimedWebhook>> OutboxRepository::Claim(int limit,
                                                                    absl::Duration lease) {
  absl::StatusOr<std::vector<ClaimedWebhook>> rows =
      pg::FetchAll(pool_, kClaim, pg::Autocommit(), limit, absl::ToInt64Milliseconds(lease));
  if (!rows.ok()) return rows.status();
  for (ClaimedWebhook& w : *rows) {
    w.change.webhook_id = WebhookId(schema_, w.change.event_id, w.change.outbox_id);
  }
  return rows;
}

absl::StatusOr<std::vector<WebhookEndpoint>> OutboxRepository::Endpoints() {
  return pg::FetchAll(pool_, kEndpoints, pg::ReadOnly());
}

absl::Status OutboxRepository::Record(const std::vector<WebhookResult>& results,
                                      const std::vector<EndpointResult>& endpoints,
                                      absl::Duration pause_after) {
  pg::IntArray event_ids, ids, kinds, delays;
  pg::TextArray errors;
  for (const WebhookResult& r : results) {
    event_ids.Add(r.event_id);
    ids.Add(r.outbox_id);
    kinds.Add(ResultNumber(r.kind));
    delays.Add(absl::ToInt64Milliseconds(r.delay));
    errors.AddOrNull(r.error);
  }
  pg::TextArray names, last_errors;
  std::string succeeded = "{", failed = "{";
  for (const EndpointResult& e : endpoints) {
    names.Add(e.subscription);
    last_errors.Add(e.last_error);
    absl::StrAppend(&succeeded, succeeded.size() > 1 ? "," : "", e.succeeded ? "t" : "f");
    absl::StrAppend(&failed, failed.size() > 1 ? "," : "", e.failed ? "t" : "f");
  }
  succeeded += "}";
  failed += "}";
  return pg::Transact(pool_, pg::ReadWrite(), [&](pg::Transaction& tx) -> absl::Status {
    tx.Execute(kRecord, event_ids.Finish(), ids.Finish(), kinds.Finish(), delays.Finish(),
               errors.Finish());
    tx.Execute(kEndpointState, names.Finish(), succeeded, failed, last_errors.Finish(),
               absl::ToInt64Milliseconds(pause_after));
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> OutboxRepository::CountQueued() {
  return pg::FetchAll(pool_, kCountQueued, pg::ReadOnly());
}

}  // namespace mc::execution
