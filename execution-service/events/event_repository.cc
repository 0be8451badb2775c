#include "execution-service/events/event_repository.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/pg/array_literal.h"

namespace mc::execution {
namespace {

// {T} is replaced by the queue's table.
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
  FROM input ORDER BY external_id COLLATE "C" NULLS LAST, ord
  ON CONFLICT (external_id) WHERE external_id IS NOT NULL DO NOTHING
  RETURNING id
)
SELECT input.new_id, ins.id IS NOT NULL AS inserted
FROM input LEFT JOIN ins ON ins.id = input.new_id
ORDER BY input.ord)sql";

// Fast path: ids for a whole batch in one statement, then COPY with explicit ids.
constexpr char kReserveIdsSql[] = "SELECT nextval('event_id_seq') FROM generate_series(1, $1::int)";

constexpr char kLookupExternalSql[] =
    "SELECT external_id, id FROM {T} WHERE external_id = ANY($1::text[])";

constexpr char kColumns[] = R"sql(id, event_type, email, mobile_phone, device_token,
  wished_channel, external_id, origin, language, country, email_format,
  (extract(epoch FROM scheduled_at) * 1000000)::bigint,
  (extract(epoch FROM expires_at) * 1000000)::bigint,
  ctx::text, status,
  (extract(epoch FROM created_at) * 1000000)::bigint,
  (extract(epoch FROM updated_at) * 1000000)::bigint)sql";

constexpr char kGetByIdSql[] =
    "SELECT 1, {C} FROM rt_events WHERE id = $1 "
    "UNION ALL SELECT 2, {C} FROM batch_events WHERE id = $1";

constexpr char kGetByExternalSql[] = "SELECT {Q}, {C} FROM {T} WHERE external_id = $1";

// Keyset paging, newest first, over one queue or both ($1 NULL).
constexpr char kListBranch[] = R"sql((SELECT {Q}, {C} FROM {T}
  WHERE ($1::smallint IS NULL OR $1 = {Q})
    AND ($2::smallint IS NULL OR status = $2)
    AND ($3::text IS NULL OR event_type = $3)
    AND ($4::timestamptz IS NULL OR created_at >= $4)
    AND ($5::timestamptz IS NULL OR created_at < $5)
    AND ($6::bigint IS NULL OR id < $6)
  ORDER BY id DESC LIMIT $7))sql";

std::string Table(Queue q) { return q == Queue::kRealTime ? "rt_events" : "batch_events"; }
std::string Suffix(Queue q) { return q == Queue::kRealTime ? "rt" : "batch"; }
std::string QueueNumber(Queue q) { return q == Queue::kRealTime ? "1" : "2"; }

std::string Expand(const char* sql, Queue q) {
  return absl::StrReplaceAll(sql, {{"{T}", Table(q)}, {"{Q}", QueueNumber(q)}, {"{C}", kColumns}});
}

std::string PgTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", t, absl::UTCTimeZone());
}

std::optional<std::string> PgTime(const std::optional<absl::Time>& t) {
  if (!t) return std::nullopt;
  return PgTime(*t);
}

std::optional<absl::Time> MicrosField(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return absl::FromUnixMicros(f.as<int64_t>());
}

std::string TextField(const pqxx::field& f) { return f.is_null() ? "" : f.as<std::string>(); }

StoredEvent RowToEvent(const pqxx::row& r) {
  StoredEvent s;
  s.queue = r[0].as<int>() == 1 ? Queue::kRealTime : Queue::kBatch;
  s.id = r[1].as<int64_t>();
  NewEvent& e = s.event;
  e.type = r[2].as<std::string>();
  e.email = TextField(r[3]);
  e.mobile_phone = TextField(r[4]);
  e.device_token = TextField(r[5]);
  e.wished_channel = r[6].as<int>();
  e.external_id = TextField(r[7]);
  e.origin = TextField(r[8]);
  e.language = TextField(r[9]);
  e.country = TextField(r[10]);
  e.email_format = r[11].as<int>();
  e.scheduled = MicrosField(r[12]);
  e.expiration = MicrosField(r[13]);
  e.ctx_json = r[14].as<std::string>();
  s.status = static_cast<EventStatus>(r[15].as<int>());
  s.created = absl::FromUnixMicros(r[16].as<int64_t>());
  s.updated = absl::FromUnixMicros(r[17].as<int64_t>());
  return s;
}

// Each count matches one partial index's predicate (index-only scans of small, hot indexes).
constexpr char kCountOpenSql[] = R"sql(
SELECT (SELECT count(*) FROM rt_events WHERE status = 0),
       (SELECT count(*) FROM rt_events WHERE status = 1),
       (SELECT count(*) FROM batch_events WHERE status = 0),
       (SELECT count(*) FROM batch_events WHERE status = 1))sql";

}  // namespace

EventRepository::EventRepository(pg::ConnectionPool& pool) : pool_(pool) {
  for (Queue q : {Queue::kRealTime, Queue::kBatch}) {
    pool_.Prepare("events_insert_" + Suffix(q), Expand(kInsertSql, q));
    pool_.Prepare("events_lookup_external_" + Suffix(q), Expand(kLookupExternalSql, q));
    pool_.Prepare("events_get_external_" + Suffix(q), Expand(kGetByExternalSql, q));
  }
  pool_.Prepare("events_reserve_ids", kReserveIdsSql);
  pool_.Prepare("events_get_id", absl::StrReplaceAll(kGetByIdSql, {{"{C}", kColumns}}));
  pool_.Prepare("events_list",
                absl::StrCat(Expand(kListBranch, Queue::kRealTime), " UNION ALL ",
                             Expand(kListBranch, Queue::kBatch), " ORDER BY 2 DESC LIMIT $7"));
  pool_.Prepare("events_count_open", kCountOpenSql);
}

namespace {

// Optional text columns: empty means NULL.
std::optional<std::string> Opt(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

const std::vector<std::string> kCopyColumns = {
    "id",          "event_type", "email",    "mobile_phone", "device_token", "wished_channel",
    "external_id", "origin",     "language", "country",      "email_format", "scheduled_at",
    "expires_at",  "ctx"};

}  // namespace

bool EventRepository::CopyBatch(pqxx::connection& c, Queue queue, absl::Span<const NewEvent> events,
                                std::vector<InsertOutcome>& out) {
  try {
    pqxx::work tx(c);
    pqxx::result ids = tx.exec_prepared("events_reserve_ids", static_cast<int>(events.size()));
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
    for (size_t i = 0; i < events.size(); ++i) out[i] = {ids[i][0].as<int64_t>(), false};
    pqxx::stream_to copy(tx, Table(queue), kCopyColumns);
    for (size_t i : order) {
      const NewEvent& e = events[i];
      copy << std::make_tuple(out[i].id, e.type, Opt(e.email), Opt(e.mobile_phone),
                              Opt(e.device_token), e.wished_channel, Opt(e.external_id),
                              Opt(e.origin), Opt(e.language), Opt(e.country), e.email_format,
                              PgTime(e.scheduled), PgTime(e.expiration), e.ctx_json);
    }
    copy.complete();
    tx.commit();
    return true;
  } catch (const pqxx::unique_violation&) {
    return false;  // an external id already stored: the slow path resolves it
  } catch (const pqxx::deadlock_detected&) {
    return false;  // racing batches with shared keys: the slow path orders its locks
  }
}

template <typename Tx>
absl::Status EventRepository::UpsertBatch(pqxx::connection& c, Queue queue,
                                          absl::Span<const NewEvent> events,
                                          std::vector<InsertOutcome>& out) {
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
  const std::string suffix = Suffix(queue);
  Tx tx(c);
  pqxx::result r = tx.exec_prepared(
      "events_insert_" + suffix, type.Finish(), email.Finish(), phone.Finish(), token.Finish(),
      channel.Finish(), external.Finish(), origin.Finish(), language.Finish(), country.Finish(),
      format.Finish(), scheduled.Finish(), expires.Finish(), ctx.Finish());
  pg::TextArray missing_keys;
  bool any_missing = false;
  for (size_t i = 0; i < r.size(); ++i) {
    out[i] = {r[i][0].as<int64_t>(), !r[i][1].as<bool>()};
    if (out[i].duplicate) {
      missing_keys.Add(events[i].external_id);
      any_missing = true;
    }
  }
  if (any_missing) {
    std::map<std::string, int64_t> existing;
    for (const pqxx::row& row :
         tx.exec_prepared("events_lookup_external_" + suffix, missing_keys.Finish())) {
      existing[row[0].as<std::string>()] = row[1].as<int64_t>();
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
  tx.commit();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<InsertOutcome>> EventRepository::InsertBatch(
    Queue queue, absl::Span<const NewEvent> events) {
  std::vector<InsertOutcome> out(events.size());
  absl::Status status = pool_.Run([&](pqxx::connection& c) -> absl::Status {
    if (events.size() < kCopyThreshold) {
      // An explicit transaction: a connection lost before COMMIT is retried safely, one lost
      // during COMMIT is "outcome unknown" (in_doubt_error), never silently written twice.
      return UpsertBatch<pqxx::work>(c, queue, events, out);
    }
    if (CopyBatch(c, queue, events, out)) return absl::OkStatus();
    return UpsertBatch<pqxx::work>(c, queue, events, out);
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<StoredEvent> EventRepository::GetById(int64_t id) {
  std::optional<StoredEvent> found;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    pqxx::result r = tx.exec_prepared("events_get_id", id);
    if (!r.empty()) found = RowToEvent(r[0]);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!found) return absl::NotFoundError(absl::StrCat("no event with id ", id));
  return *found;
}

absl::StatusOr<StoredEvent> EventRepository::GetByExternalId(Queue queue,
                                                             const std::string& external_id) {
  std::optional<StoredEvent> found;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    pqxx::result r = tx.exec_prepared("events_get_external_" + Suffix(queue), external_id);
    if (!r.empty()) found = RowToEvent(r[0]);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!found) {
    return absl::NotFoundError(absl::StrCat("no event with external id '", external_id, "' in the ",
                                            QueueName(queue), " queue"));
  }
  return *found;
}

absl::StatusOr<EventPage> EventRepository::List(const EventFilter& f) {
  EventPage page;
  std::optional<int> queue;
  if (f.queue) queue = static_cast<int>(*f.queue);
  std::optional<int> status;
  if (f.status) status = static_cast<int>(*f.status);
  std::optional<std::string> type;
  if (!f.type.empty()) type = f.type;
  std::optional<int64_t> before;
  if (f.before_id > 0) before = f.before_id;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    page.events.clear();
    pqxx::read_transaction tx(c);
    // One row more than the page tells whether another page follows.
    pqxx::result r = tx.exec_prepared("events_list", queue, status, type, PgTime(f.created_after),
                                      PgTime(f.created_before), before, f.page_size + 1);
    for (const pqxx::row& row : r) page.events.push_back(RowToEvent(row));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (static_cast<int>(page.events.size()) > f.page_size) {
    page.events.resize(f.page_size);
    page.next_before_id = page.events.back().id;
  }
  return page;
}

absl::StatusOr<OpenCounts> EventRepository::CountOpen() {
  OpenCounts out;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    pqxx::row r = tx.exec_prepared1("events_count_open");
    for (int i = 0; i < 4; ++i) out.n[i / 2][i % 2] = r[i].as<int64_t>();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace mc::execution
