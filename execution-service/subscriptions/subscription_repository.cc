#include "execution-service/subscriptions/subscription_repository.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/pg/array_literal.h"
#include "common/pg/execute.h"
#include "execution-service/outbox/secrets_json.h"

namespace mc::execution {
namespace {

// $1 name .. $9 secrets (JSON). The definition only: the endpoint's state row is made once.
constexpr char kPutSql[] = R"sql(
INSERT INTO webhook_subscriptions AS s (name, url, statuses, event_types, every_attempt,
                                        max_batch, disabled, version, secrets, updated_at)
VALUES ($1, $2, $3::smallint[], $4::text[], $5, $6, $7, $8, $9::jsonb, now())
ON CONFLICT (name) DO UPDATE SET url = EXCLUDED.url, statuses = EXCLUDED.statuses,
  event_types = EXCLUDED.event_types, every_attempt = EXCLUDED.every_attempt,
  max_batch = EXCLUDED.max_batch, disabled = EXCLUDED.disabled, version = EXCLUDED.version,
  secrets = EXCLUDED.secrets, updated_at = now()
WHERE s.version <= EXCLUDED.version)sql";

constexpr char kPutStateSql[] =
    "INSERT INTO webhook_endpoint_state (subscription) VALUES ($1) ON CONFLICT DO NOTHING";

// What is still queued for a deleted subscription is given up, then the definition goes (its
// state row with it).
constexpr char kGiveUpQueuedSql[] = R"sql(
UPDATE webhook_outbox SET state = 2, last_error = 'subscription deleted', done_at = now()
WHERE subscription = $1 AND state = 0)sql";

constexpr char kDeleteSql[] = "DELETE FROM webhook_subscriptions WHERE name = $1";

// Secrets in force: no expiry, or one in the future. queued: an index-only count of the
// outbox's queued index.
constexpr char kListSql[] = R"sql(
SELECT s.name, s.url, array_to_json(s.statuses)::text AS statuses,
  array_to_json(s.event_types)::text AS event_types, s.every_attempt, s.max_batch, s.disabled,
  s.version,
  (SELECT count(*) FROM jsonb_array_elements(s.secrets) x
   WHERE x->>'expires_us' IS NULL
      OR (x->>'expires_us')::bigint > (extract(epoch FROM now()) * 1000000)::bigint)::int
    AS secrets,
  st.state, (extract(epoch FROM st.failing_since) * 1000000)::bigint AS failing_since_us,
  st.last_error, (extract(epoch FROM st.last_success_at) * 1000000)::bigint AS last_success_us,
  st.delivered, st.failed,
  (SELECT count(*) FROM webhook_outbox o WHERE o.subscription = s.name AND o.state = 0) AS queued
FROM webhook_subscriptions s
JOIN webhook_endpoint_state st ON st.subscription = s.name
WHERE $1::text IS NULL OR s.name = $1
ORDER BY s.name)sql";

constexpr char kResumeSql[] = R"sql(
UPDATE webhook_endpoint_state SET state = 1, failing_since = NULL WHERE subscription = $1)sql";

// A paused endpoint's queued webhooks are due at once when it resumes (not those a replica
// holds under its lease: their next_at is in the future only for the lease's length).
constexpr char kDueNowSql[] = R"sql(
UPDATE webhook_outbox SET next_at = now()
WHERE subscription = $1 AND state = 0 AND next_at > now() AND sends > 0)sql";

constexpr char kReplayOneSql[] = R"sql(
UPDATE webhook_outbox SET state = 0, next_at = now(), first_failed_at = NULL, done_at = NULL
WHERE event_id = $1 AND id = $2 AND state <> 0)sql";

constexpr char kExistsOneSql[] =
    "SELECT count(*) FROM webhook_outbox WHERE event_id = $1 AND id = $2";

constexpr char kReplaySinceSql[] = R"sql(
UPDATE webhook_outbox SET state = 0, next_at = now(), first_failed_at = NULL, done_at = NULL
WHERE subscription = $1 AND changed_at >= to_timestamp($2::bigint / 1000000.0) AND state <> 0)sql";

constexpr char kExistsSql[] = "SELECT count(*) FROM webhook_subscriptions WHERE name = $1";

SubscriptionStatus StatusFromRow(const pg::Row& r) {
  SubscriptionStatus out;
  Subscription& s = out.subscription;
  s.name = r.Get<std::string>("name");
  s.url = r.Get<std::string>("url");
  for (const nlohmann::json& v :
       nlohmann::json::parse(r.Get<std::string>("statuses"), nullptr, false)) {
    if (v.is_number_integer()) s.statuses.push_back(static_cast<EventStatus>(v.get<int>()));
  }
  for (const nlohmann::json& v :
       nlohmann::json::parse(r.Get<std::string>("event_types"), nullptr, false)) {
    if (v.is_string()) s.event_types.push_back(v.get<std::string>());
  }
  s.every_attempt = r.Get<bool>("every_attempt");
  s.max_batch = r.Get<int>("max_batch");
  s.disabled = r.Get<bool>("disabled");
  s.version = r.Get<int>("version");
  out.secrets = r.Get<int>("secrets");
  out.state = static_cast<EndpointState>(r.Get<int>("state"));
  out.failing_since = r.OptionalMicros("failing_since_us");
  out.last_error = r.Get<std::string>("last_error");
  out.last_success = r.OptionalMicros("last_success_us");
  out.delivered = r.Get<int64_t>("delivered");
  out.failed = r.Get<int64_t>("failed");
  out.queued = r.Get<int64_t>("queued");
  return out;
}

const pg::Statement kPut("subscriptions_put", kPutSql);
const pg::Statement kPutState("subscriptions_put_state", kPutStateSql);
const pg::Statement kGiveUpQueued("subscriptions_give_up_queued", kGiveUpQueuedSql);
const pg::Statement kDelete("subscriptions_delete", kDeleteSql);
const pg::Query<SubscriptionStatus> kList("subscriptions_list", kListSql, StatusFromRow);
const pg::Statement kResume("subscriptions_resume", kResumeSql);
const pg::Statement kDueNow("subscriptions_due_now", kDueNowSql);
const pg::Statement kReplayOne("webhooks_replay_one", kReplayOneSql);
const pg::Query<int64_t> kExistsOne("webhooks_exists_one", kExistsOneSql);
const pg::Statement kReplaySince("webhooks_replay_since", kReplaySinceSql);
const pg::Query<int64_t> kExists("subscriptions_exists", kExistsSql);

absl::Status NoSubscription(const std::string& name) {
  return absl::NotFoundError(absl::StrCat("no webhook subscription named '", name, "'"));
}

}  // namespace

SubscriptionRepository::SubscriptionRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pg::Prepare(pool_, kPut, kPutState, kGiveUpQueued, kDelete, kList, kResume, kDueNow, kReplayOne,
              kExistsOne, kReplaySince, kExists);
}

absl::StatusOr<SubscriptionStatus> SubscriptionRepository::Put(const Subscription& s) {
  pg::IntArray statuses;
  for (EventStatus st : s.statuses) statuses.Add(static_cast<int>(st));
  pg::TextArray types;
  for (const std::string& t : s.event_types) types.Add(t);
  absl::StatusOr<std::vector<SubscriptionStatus>> stored = pg::Transact(
      pool_, pg::ReadWrite(),
      [&](pg::Transaction& tx) -> absl::StatusOr<std::vector<SubscriptionStatus>> {
        tx.Execute(kPut, s.name, s.url, statuses.Finish(), types.Finish(), s.every_attempt,
                   s.max_batch, s.disabled, s.version, SecretsToJson(s.secrets));
        tx.Execute(kPutState, s.name);
        return tx.FetchAll(kList, s.name);
      });
  if (!stored.ok()) return stored.status();
  if (stored->empty()) return absl::InternalError("subscription not stored: " + s.name);
  return std::move(stored->front());
}

absl::StatusOr<int64_t> SubscriptionRepository::Delete(const std::string& name) {
  return pg::Transact(pool_, pg::ReadWrite(), [&](pg::Transaction& tx) -> absl::StatusOr<int64_t> {
    const int64_t dropped = tx.Execute(kGiveUpQueued, name);
    if (tx.Execute(kDelete, name) == 0) return NoSubscription(name);
    return dropped;
  });
}

absl::StatusOr<std::vector<SubscriptionStatus>> SubscriptionRepository::List() {
  return pg::FetchAll(pool_, kList, pg::ReadOnly(), std::optional<std::string>());
}

absl::StatusOr<SubscriptionStatus> SubscriptionRepository::Get(const std::string& name) {
  return pg::FetchOne(pool_, kList, pg::ReadOnly().IfNone(NoSubscription(name)),
                      std::optional<std::string>(name));
}

absl::StatusOr<SubscriptionStatus> SubscriptionRepository::Resume(const std::string& name) {
  absl::Status s = pg::Transact(pool_, pg::ReadWrite(), [&](pg::Transaction& tx) -> absl::Status {
    if (tx.Execute(kResume, name) == 0) return NoSubscription(name);
    tx.Execute(kDueNow, name);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return Get(name);
}

absl::StatusOr<int64_t> SubscriptionRepository::ReplayOne(int64_t event_id, int64_t outbox_id) {
  return pg::Transact(pool_, pg::ReadWrite(), [&](pg::Transaction& tx) -> absl::StatusOr<int64_t> {
    if (tx.FetchOne(kExistsOne, event_id, outbox_id) == 0) {
      return absl::NotFoundError("no webhook with that webhook-id");
    }
    tx.Execute(kReplayOne, event_id, outbox_id);
    return int64_t{1};
  });
}

absl::StatusOr<int64_t> SubscriptionRepository::ReplaySince(const ReplayRange& r) {
  return pg::Transact(pool_, pg::ReadWrite(), [&](pg::Transaction& tx) -> absl::StatusOr<int64_t> {
    if (tx.FetchOne(kExists, r.subscription) == 0) return NoSubscription(r.subscription);
    return tx.Execute(kReplaySince, r.subscription, absl::ToUnixMicros(r.since));
  });
}

}  // namespace mc::execution
