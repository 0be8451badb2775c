#include "execution-service/events/event_repository.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/pg/array_literal.h"
#include "common/pg/execute.h"
#include "execution-service/events/event_row.h"
#include "execution-service/events/event_story_row.h"
#include "execution-service/events/queue_statements.h"

namespace mc::execution {
namespace {

// Every insertion holds the partition lock shared from before it takes ids until it commits
// (migration 0007: a rotation waits for it, so the ids of one insertion are all in one
// partition and an insertion into a newer partition sees this one's keys).
constexpr char kLockPartitionsSql[] =
    "SELECT pg_advisory_xact_lock_shared(mc_partition_lock_key())";

// {T} is replaced by the queue's table. An external id is looked for in the partitions older
// than the new id's (each has its own unique index) and, through ON CONFLICT, in the new id's
// partition, which waits for a racing insertion of the same key to commit or roll back. Without
// a conflict target ON CONFLICT applies to the partition's unique indexes: the external id's
// (the primary key cannot conflict: the ids are new).
constexpr char kInsertSql[] = R"sql(
WITH input AS MATERIALIZED (
  SELECT t.*, nextval('event_id_seq') AS new_id
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::text[],
              $7::text[], $8::text[], $9::text[], $10::smallint[], $11::timestamptz[],
              $12::timestamptz[], $13::jsonb[])
       WITH ORDINALITY AS t(event_type, email, mobile_phone, device_token, wished_channel,
                            external_id, origin, language, country, email_format, scheduled_at,
                            expires_at, ctx, ord)
), ins AS (
  INSERT INTO {T} (id, event_type, email, mobile_phone, device_token, wished_channel,
                   external_id, origin, language, country, email_format, scheduled_at,
                   expires_at, ctx)
  SELECT new_id, event_type, email, mobile_phone, device_token, wished_channel, external_id,
         origin, language, country, email_format, scheduled_at, expires_at, ctx
  FROM input
  WHERE external_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM {T} o
    WHERE o.external_id = input.external_id AND o.id < (input.new_id >> 32) << 32)
  ORDER BY external_id COLLATE "C" NULLS LAST, ord
  ON CONFLICT DO NOTHING
  RETURNING id
)
SELECT input.new_id AS id, ins.id IS NOT NULL AS inserted
FROM input LEFT JOIN ins ON ins.id = input.new_id
ORDER BY input.ord)sql";

// Fast path: ids for a whole batch in one statement, then COPY with explicit ids.
constexpr char kReserveIdsSql[] = "SELECT nextval('event_id_seq') FROM generate_series(1, $1::int)";

// Whether one of the keys is in a partition older than the batch's ($2: its first id).
constexpr char kKeyInOlderPartitionSql[] = R"sql(
SELECT EXISTS (SELECT 1 FROM {T}
               WHERE external_id = ANY($1::text[]) AND id < ($2::bigint >> 32) << 32))sql";

constexpr char kLookupExternalSql[] =
    "SELECT external_id, id FROM {T} WHERE external_id = ANY($1::text[])";

constexpr char kColumns[] = R"sql(id, event_type, email, mobile_phone, device_token,
  wished_channel, external_id, origin, language, country, email_format,
  (extract(epoch FROM scheduled_at) * 1000000)::bigint AS scheduled_us,
  (extract(epoch FROM expires_at) * 1000000)::bigint AS expires_us,
  ctx::text AS ctx, status,
  (extract(epoch FROM created_at) * 1000000)::bigint AS created_us,
  (extract(epoch FROM updated_at) * 1000000)::bigint AS updated_us)sql";

constexpr char kGetByIdSql[] =
    "SELECT 1 AS queue, {C} FROM rt_events WHERE id = $1 "
    "UNION ALL SELECT 2 AS queue, {C} FROM batch_events WHERE id = $1";

constexpr char kGetByExternalSql[] = "SELECT {Q} AS queue, {C} FROM {T} WHERE external_id = $1";

// Keyset paging, newest first, over one queue or both ($1 NULL). The address ($8) is compared
// as the quarantine compares it: by the key of the address the event's channel uses
// (address_key(), channel_address(): migrations 0005, 0006). The template ($10) is an internal
// name: the events routed to any of its versions in the queue. {X} is the external-id test
// ($9): kAnyExternalId here, kExternalIdIs in the statement for an external id, whose plan
// reads each partition's unique index on external_id (a generic plan could not, with "$9 IS
// NULL OR" in front).
constexpr char kListBranch[] = R"sql((SELECT {Q} AS queue, {C} FROM {T}
  WHERE ($1::smallint IS NULL OR $1 = {Q})
    AND ($2::smallint IS NULL OR status = $2)
    AND ($3::text IS NULL OR event_type = $3)
    AND ($4::timestamptz IS NULL OR created_at >= $4)
    AND ($5::timestamptz IS NULL OR created_at < $5)
    AND ($6::bigint IS NULL OR id < $6)
    AND ($8::text IS NULL OR address_key(wished_channel, channel_address(wished_channel, email,
           mobile_phone, device_token)) = address_key(wished_channel, $8))
    AND {X}
    AND ($10::text IS NULL OR template_id IN (
           SELECT t.id FROM templates t WHERE t.internal_name = $10 AND t.queue = {Q}))
  ORDER BY id DESC LIMIT $7))sql";
constexpr char kAnyExternalId[] = "($9::text IS NULL OR external_id = $9)";
constexpr char kExternalIdIs[] = "external_id = $9::text";

// An event with its story (event_story.h) in one statement: {E} selects the event row (by id
// in either queue, or by external id in one) with the story's own columns; its template's name,
// its delivery log and its attempts (aggregated as JSON, by try number) are joined to it. The
// log and the attempts are found by their primary keys' event_id.
constexpr char kStoryColumns[] = R"sql(template_version, tries,
  (extract(epoch FROM routed_at) * 1000000)::bigint AS routed_us,
  (extract(epoch FROM lease_until) * 1000000)::bigint AS lease_until_us, template_id)sql";

constexpr char kStorySql[] = R"sql(
SELECT e.*, t.internal_name AS template_name,
  l.status AS log_status, l.failure_type AS log_failure_type,
  l.failure_reason AS log_failure_reason, l.tries AS log_tries, l.message_id AS log_message_id,
  l.template_language AS log_template_language,
  (extract(epoch FROM l.created_at) * 1000000)::bigint AS log_us,
  (extract(epoch FROM l.bounced_at) * 1000000)::bigint AS log_bounced_us,
  (SELECT json_agg(json_build_object(
            'kind', a.kind, 'try', a.try_number, 'type', a.failure_type, 'reason', a.reason,
            'message_id', a.message_id,
            'at_us', (extract(epoch FROM a.tried_at) * 1000000)::bigint,
            'next_us', (extract(epoch FROM a.next_try_at) * 1000000)::bigint)
          ORDER BY a.tried_at, a.try_number, a.kind)::text
   FROM delivery_attempts a WHERE a.event_id = e.id AND a.queue = e.queue) AS attempts
FROM ({E}) e
LEFT JOIN templates t ON t.id = e.template_id
LEFT JOIN delivery_logs l ON l.queue = e.queue AND l.event_id = e.id)sql";

constexpr char kStoryByIdSql[] =
    "SELECT 1 AS queue, {C}, {S} FROM rt_events WHERE id = $1 "
    "UNION ALL SELECT 2 AS queue, {C}, {S} FROM batch_events WHERE id = $1";

constexpr char kStoryByExternalSql[] =
    "SELECT {Q} AS queue, {C}, {S} FROM {T} WHERE external_id = $1";

// Each count matches one partial index's predicate (index-only scans of small, hot indexes).
constexpr char kCountOpenSql[] = R"sql(
SELECT (SELECT count(*) FROM rt_events WHERE status = 0) AS rt_pending,
       (SELECT count(*) FROM rt_events WHERE status = 1) AS rt_delivering,
       (SELECT count(*) FROM batch_events WHERE status = 0) AS batch_pending,
       (SELECT count(*) FROM batch_events WHERE status = 1) AS batch_delivering)sql";

// Cancel (CancelEvent): Pending (0) becomes Cancelled (7), final_xid stamped as for every final
// status (the archive export's order), with the webhooks of the subscriptions that want it in
// the same statement (webhook_outbox, migration 0008). "status = 0" is checked again on the row
// a claim of the processing workflows locked (READ COMMITTED: the UPDATE waits for the claim to
// commit, then sees Pending delivery and leaves it), and a claim skips the row this one locked
// (SKIP LOCKED) and then finds it Cancelled: an event goes one way only. By id, both queues'
// tables are tried in one statement (ids are unique across them); by external id, the queue's.
// {H}: the outbox insertion, shared.
constexpr char kCancelHooks[] = R"sql(, hooks AS (
  INSERT INTO webhook_outbox (subscription, queue, event_id, status, event_type, external_id,
                              reason)
  SELECT s.name, c.queue, c.id, 7, c.event_type, c.external_id, $2::text
  FROM cancelled c
  JOIN webhook_subscriptions s
    ON NOT s.disabled AND mc_webhook_wants(s.statuses, s.event_types, 7, c.event_type)
  RETURNING 1
)
SELECT queue, id FROM cancelled)sql";

constexpr char kCancelSet[] =
    "SET status = 7, final_xid = pg_current_xact_id(), updated_at = now()";

constexpr char kCancelByIdSql[] = R"sql(
WITH rt AS (
  UPDATE rt_events e {SET} WHERE e.id = $1 AND e.status = 0
  RETURNING 1::smallint AS queue, e.id, e.event_type, e.external_id
), batch AS (
  UPDATE batch_events e {SET} WHERE e.id = $1 AND e.status = 0
  RETURNING 2::smallint AS queue, e.id, e.event_type, e.external_id
), cancelled AS (SELECT * FROM rt UNION ALL SELECT * FROM batch){H})sql";

constexpr char kCancelByExternalSql[] = R"sql(
WITH cancelled AS (
  UPDATE {T} e {SET} WHERE e.external_id = $1 AND e.status = 0
  RETURNING {Q}::smallint AS queue, e.id, e.event_type, e.external_id
){H})sql";

std::string WithColumns(absl::string_view sql) {
  return absl::StrReplaceAll(sql, {{"{C}", kColumns}});
}

StoredEvent EventFromRow(const pg::Row& r) {
  StoredEvent s;
  s.queue = QueueFromNumber(r.Get<int>("queue"));
  s.id = r.Get<int64_t>("id");
  NewEvent& e = s.event;
  ReadEventFields(r, &e);
  e.email_format = r.Get<int>("email_format");
  e.scheduled = r.OptionalMicros("scheduled_us");
  e.expiration = r.OptionalMicros("expires_us");
  s.status = static_cast<EventStatus>(r.Get<int>("status"));
  s.created = r.Micros("created_us");
  s.updated = r.Micros("updated_us");
  return s;
}

InsertOutcome InsertedFromRow(const pg::Row& r) {
  return {.id = r.Get<int64_t>("id"), .duplicate = !r.Get<bool>("inserted")};
}

struct StoredKey {
  std::string external_id;
  int64_t id = 0;
};

StoredKey KeyFromRow(const pg::Row& r) {
  return {.external_id = r.Get<std::string>("external_id"), .id = r.Get<int64_t>("id")};
}

CancelOutcome::Key CancelledFromRow(const pg::Row& r) {
  return {.queue = QueueFromNumber(r.Get<int>("queue")), .id = r.Get<int64_t>("id")};
}

std::string CancelSql(absl::string_view sql) {
  return absl::StrReplaceAll(sql, {{"{SET}", kCancelSet}, {"{H}", kCancelHooks}});
}

OpenCounts OpenCountsFromRow(const pg::Row& r) {
  OpenCounts out;
  out.n[0][0] = r.Get<int64_t>("rt_pending");
  out.n[0][1] = r.Get<int64_t>("rt_delivering");
  out.n[1][0] = r.Get<int64_t>("batch_pending");
  out.n[1][1] = r.Get<int64_t>("batch_delivering");
  return out;
}

std::string ListSql(absl::string_view external_id_test) {
  const std::string branch =
      absl::StrReplaceAll(WithColumns(kListBranch), {{"{X}", external_id_test}});
  return absl::StrCat(QueueSql(branch, Queue::kRealTime), " UNION ALL ",
                      QueueSql(branch, Queue::kBatch), " ORDER BY 2 DESC LIMIT $7");
}

std::string StorySql(absl::string_view event_sql) {
  return absl::StrReplaceAll(
      kStorySql,
      {{"{E}", absl::StrReplaceAll(event_sql, {{"{C}", kColumns}, {"{S}", kStoryColumns}})}});
}

EventWithStory StoryFromRow(const pg::Row& r) {
  EventWithStory out{.event = EventFromRow(r)};
  out.story = BuildStory(out.event, ReadStoryFacts(r));
  return out;
}

const PerQueue<pg::Query<InsertOutcome>> kInsert =
    QueueQueries("events_insert", kInsertSql, InsertedFromRow);
const PerQueue<pg::Query<StoredKey>> kLookupExternal =
    QueueQueries("events_lookup_external", kLookupExternalSql, KeyFromRow);
const PerQueue<pg::Query<StoredEvent>> kGetByExternal =
    QueueQueries("events_get_external", WithColumns(kGetByExternalSql), EventFromRow);
const pg::Query<int64_t> kReserveIds("events_reserve_ids", kReserveIdsSql);
const pg::Statement kLockPartitions("events_lock_partitions", kLockPartitionsSql);
const PerQueue<pg::Query<bool>> kKeyInOlderPartition =
    QueueQueries<bool>("events_key_in_older_partition", kKeyInOlderPartitionSql);
const pg::Query<StoredEvent> kGetById("events_get_id", WithColumns(kGetByIdSql), EventFromRow);
const pg::Query<StoredEvent> kList("events_list", ListSql(kAnyExternalId), EventFromRow);
const pg::Query<StoredEvent> kListByExternal("events_list_external", ListSql(kExternalIdIs),
                                             EventFromRow);
const pg::Query<EventWithStory> kStoryById("events_story_id", StorySql(kStoryByIdSql),
                                           StoryFromRow);
const PerQueue<pg::Query<EventWithStory>> kStoryByExternal =
    QueueQueries("events_story_external", StorySql(kStoryByExternalSql), StoryFromRow);
const pg::Query<OpenCounts> kCountOpen("events_count_open", kCountOpenSql, OpenCountsFromRow);
const pg::Query<CancelOutcome::Key> kCancelById("events_cancel_id", CancelSql(kCancelByIdSql),
                                                CancelledFromRow);
const PerQueue<pg::Query<CancelOutcome::Key>> kCancelByExternal =
    QueueQueries("events_cancel_external", CancelSql(kCancelByExternalSql), CancelledFromRow);

std::string PgTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", t, absl::UTCTimeZone());
}

std::optional<std::string> PgTime(const std::optional<absl::Time>& t) {
  if (!t) return std::nullopt;
  return PgTime(*t);
}

// Optional text columns: empty means NULL.
std::optional<std::string> Opt(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

const std::vector<std::string> kCopyColumns = {
    "id",          "event_type", "email",    "mobile_phone", "device_token", "wished_channel",
    "external_id", "origin",     "language", "country",      "email_format", "scheduled_at",
    "expires_at",  "ctx"};

// The fast path: the batch's ids in one statement, then COPY with explicit ids. Nullopt (rolled
// back) on a key conflict.
std::optional<std::vector<InsertOutcome>> CopyBatch(pqxx::connection& c, Queue queue,
                                                    absl::Span<const NewEvent> events) {
  try {
    pg::Transaction tx(c, pg::TxMode::kReadWrite);
    tx.Execute(kLockPartitions);
    const std::vector<int64_t> ids = tx.FetchAll(kReserveIds, static_cast<int>(events.size()));
    pg::TextArray keys;
    bool any_key = false;
    for (const NewEvent& e : events) {
      if (e.external_id.empty()) continue;
      keys.Add(e.external_id);
      any_key = true;
    }
    // A key stored in an older partition: the slow path returns that event's id.
    if (any_key && tx.FetchOne(kKeyInOlderPartition[queue], keys.Finish(), ids.front())) {
      return std::nullopt;
    }
    // Rows go in external-id order, as in the slow path, so that racing batches sharing keys
    // wait for each other instead of deadlocking.
    std::vector<size_t> order(events.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      const std::string& x = events[a].external_id;
      const std::string& y = events[b].external_id;
      if (x.empty() != y.empty()) return y.empty();
      return x < y;
    });
    std::vector<InsertOutcome> out(events.size());
    for (size_t i = 0; i < events.size(); ++i) out[i] = {ids[i], false};
    pqxx::stream_to copy(tx.pqxx(), std::string(QueueTable(queue)), kCopyColumns);
    for (size_t i : order) {
      const NewEvent& e = events[i];
      copy << std::make_tuple(out[i].id, e.type, Opt(e.email), Opt(e.mobile_phone),
                              Opt(e.device_token), e.wished_channel, Opt(e.external_id),
                              Opt(e.origin), Opt(e.language), Opt(e.country), e.email_format,
                              PgTime(e.scheduled), PgTime(e.expiration), e.ctx_json);
    }
    copy.complete();
    tx.Commit();
    return out;
  } catch (const pqxx::unique_violation&) {
    return std::nullopt;  // an external id already stored: the slow path resolves it
  } catch (const pqxx::deadlock_detected&) {
    return std::nullopt;  // racing batches with shared keys: the slow path orders its locks
  }
}

// One multi-row INSERT ... ON CONFLICT DO NOTHING; duplicates get the stored event's id.
absl::StatusOr<std::vector<InsertOutcome>> UpsertBatch(pqxx::connection& c, Queue queue,
                                                       absl::Span<const NewEvent> events) {
  pg::TextArray type, email, phone, token, external, origin, language, country, scheduled, expires,
      ctx;
  pg::IntArray channel, format;
  for (const NewEvent& e : events) {
    type.Add(e.type);
    email.AddOrNull(e.email);
    phone.AddOrNull(e.mobile_phone);
    token.AddOrNull(e.device_token);
    channel.Add(e.wished_channel);
    external.AddOrNull(e.external_id);
    origin.AddOrNull(e.origin);
    language.AddOrNull(e.language);
    country.AddOrNull(e.country);
    format.Add(e.email_format);
    scheduled.AddOptional(PgTime(e.scheduled));
    expires.AddOptional(PgTime(e.expiration));
    ctx.Add(e.ctx_json);
  }
  pg::Transaction tx(c, pg::TxMode::kReadWrite);
  tx.Execute(kLockPartitions);
  std::vector<InsertOutcome> out = tx.FetchAll(
      kInsert[queue], type.Finish(), email.Finish(), phone.Finish(), token.Finish(),
      channel.Finish(), external.Finish(), origin.Finish(), language.Finish(), country.Finish(),
      format.Finish(), scheduled.Finish(), expires.Finish(), ctx.Finish());
  pg::TextArray missing_keys;
  bool any_missing = false;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].duplicate) {
      missing_keys.Add(events[i].external_id);
      any_missing = true;
    }
  }
  if (any_missing) {
    std::map<std::string, int64_t> existing;
    for (StoredKey& k : tx.FetchAll(kLookupExternal[queue], missing_keys.Finish())) {
      existing[std::move(k.external_id)] = k.id;
    }
    for (size_t i = 0; i < out.size(); ++i) {
      if (!out[i].duplicate) continue;
      auto it = existing.find(events[i].external_id);
      if (it == existing.end()) {
        return absl::InternalError("idempotency lookup missed external id " +
                                   events[i].external_id);
      }
      out[i].id = it->second;
    }
  }
  tx.Commit();
  return out;
}

}  // namespace

EventRepository::EventRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pg::Prepare(pool_, kInsert, kLookupExternal, kGetByExternal, kReserveIds, kLockPartitions,
              kKeyInOlderPartition, kGetById, kList, kListByExternal, kStoryById, kStoryByExternal,
              kCountOpen, kCancelById, kCancelByExternal);
}

absl::StatusOr<std::vector<InsertOutcome>> EventRepository::InsertBatch(
    Queue queue, absl::Span<const NewEvent> events) {
  return pg::WithConnection(
      pool_, [&](pqxx::connection& c) -> absl::StatusOr<std::vector<InsertOutcome>> {
        // Explicit transactions: a connection lost before COMMIT is retried safely, one lost
        // during COMMIT is "outcome unknown" (in_doubt_error), never silently written twice.
        if (events.size() >= kCopyThreshold) {
          std::optional<std::vector<InsertOutcome>> copied = CopyBatch(c, queue, events);
          if (copied) return *std::move(copied);
        }
        return UpsertBatch(c, queue, events);
      });
}

absl::StatusOr<StoredEvent> EventRepository::GetById(int64_t id) {
  return pg::FetchOne(
      pool_, kGetById,
      pg::ReadOnly().IfNone(absl::NotFoundError(absl::StrCat("no event with id ", id))), id);
}

absl::StatusOr<StoredEvent> EventRepository::GetByExternalId(Queue queue,
                                                             const std::string& external_id) {
  return pg::FetchOne(
      pool_, kGetByExternal[queue],
      pg::ReadOnly().IfNone(absl::NotFoundError(absl::StrCat(
          "no event with external id '", external_id, "' in the ", QueueName(queue), " queue"))),
      external_id);
}

absl::StatusOr<EventWithStory> EventRepository::GetStory(int64_t id) {
  return pg::FetchOne(
      pool_, kStoryById,
      pg::ReadOnly().IfNone(absl::NotFoundError(absl::StrCat("no event with id ", id))), id);
}

absl::StatusOr<EventWithStory> EventRepository::GetStoryByExternalId(
    Queue queue, const std::string& external_id) {
  return pg::FetchOne(
      pool_, kStoryByExternal[queue],
      pg::ReadOnly().IfNone(absl::NotFoundError(absl::StrCat(
          "no event with external id '", external_id, "' in the ", QueueName(queue), " queue"))),
      external_id);
}

absl::StatusOr<EventPage> EventRepository::List(const EventFilter& f) {
  std::optional<int> queue;
  if (f.queue) queue = QueueNumber(*f.queue);
  std::optional<int> status;
  if (f.status) status = static_cast<int>(*f.status);
  std::optional<std::string> type;
  if (!f.type.empty()) type = f.type;
  std::optional<int64_t> before;
  if (f.before_id > 0) before = f.before_id;
  // One row more than the page tells whether another page follows.
  absl::StatusOr<std::vector<StoredEvent>> events =
      pg::FetchAll(pool_, f.external_id.empty() ? kList : kListByExternal, pg::ReadOnly(), queue,
                   status, type, PgTime(f.created_after), PgTime(f.created_before), before,
                   f.page_size + 1, Opt(f.address), Opt(f.external_id), Opt(f.template_name));
  if (!events.ok()) return events.status();
  EventPage page{.events = *std::move(events)};
  if (static_cast<int>(page.events.size()) > f.page_size) {
    page.events.resize(f.page_size);
    page.next_before_id = page.events.back().id;
  }
  return page;
}

absl::StatusOr<CancelOutcome> EventRepository::Cancel(int64_t id) {
  return pg::Transact(pool_, pg::ReadWrite(),
                      [&](pg::Transaction& tx) -> absl::StatusOr<CancelOutcome> {
                        const std::vector<CancelOutcome::Key> done =
                            tx.FetchAll(kCancelById, id, std::string(kCancelledReason));
                        if (!done.empty()) return CancelOutcome{.cancelled = done.front()};
                        // A new statement, a new snapshot: the status that made the UPDATE leave
                        // it.
                        return CancelOutcome{.found = tx.FetchOptional(kGetById, id)};
                      });
}

absl::StatusOr<CancelOutcome> EventRepository::CancelByExternalId(Queue queue,
                                                                  const std::string& external_id) {
  return pg::Transact(
      pool_, pg::ReadWrite(), [&](pg::Transaction& tx) -> absl::StatusOr<CancelOutcome> {
        const std::vector<CancelOutcome::Key> done =
            tx.FetchAll(kCancelByExternal[queue], external_id, std::string(kCancelledReason));
        if (!done.empty()) return CancelOutcome{.cancelled = done.front()};
        return CancelOutcome{.found = tx.FetchOptional(kGetByExternal[queue], external_id)};
      });
}

absl::StatusOr<OpenCounts> EventRepository::CountOpen() {
  return pg::FetchOne(pool_, kCountOpen, pg::ReadOnly());
}

}  // namespace mc::execution
