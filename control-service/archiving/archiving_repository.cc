#include "control-service/archiving/archiving_repository.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/pg/execute.h"

namespace mc::control {
namespace {

// With its last run, if any, under the names of kRunColumns.
constexpr char kWorkflowSelect[] =
    "SELECT w.internal_name, w.label, w.folder, w.account, w.state, w.schedule_seconds, "
    "(extract(epoch FROM w.next_run_at) * 1000000)::bigint AS next_run_us, w.cursor_xid, "
    "w.cursor_queue, w.cursor_id, r.id, r.workflow, "
    "(extract(epoch FROM r.started_at) * 1000000)::bigint AS started_us, "
    "(extract(epoch FROM r.ended_at) * 1000000)::bigint AS ended_us, r.events_copied, "
    "r.delivery_logs_copied, r.quarantine_copied, r.error "
    "FROM archiving_workflows w LEFT JOIN LATERAL (SELECT * FROM archive_runs x "
    "WHERE x.workflow = w.internal_name ORDER BY x.id DESC LIMIT 1) r ON true ";

constexpr char kRunColumns[] =
    "id, workflow, (extract(epoch FROM started_at) * 1000000)::bigint AS started_us, "
    "(extract(epoch FROM ended_at) * 1000000)::bigint AS ended_us, events_copied, "
    "delivery_logs_copied, quarantine_copied, error";

constexpr char kCreateSql[] =
    "INSERT INTO archiving_workflows (internal_name, account, label, schedule_seconds) "
    "SELECT $1, a.internal_name, 'Message Center ' || CASE WHEN a.label = '' THEN "
    "a.internal_name ELSE a.label END, $3 FROM accounts a WHERE a.internal_name = $2";
constexpr char kHasWorkflowSql[] = "SELECT count(*) FROM archiving_workflows WHERE account = $1";
constexpr char kSetStateSql[] =
    "UPDATE archiving_workflows SET state = $2::smallint, "
    "next_run_at = CASE WHEN $2::smallint = 1 THEN now() ELSE next_run_at END "
    "WHERE internal_name = $1";
constexpr char kSetScheduleSql[] =
    "UPDATE archiving_workflows SET schedule_seconds = $2::bigint, "
    "next_run_at = least(next_run_at, now() + $2::bigint * interval '1 second') "
    "WHERE internal_name = $1";
constexpr char kDueSql[] =
    "SELECT internal_name FROM archiving_workflows WHERE state = 1 AND next_run_at <= now() "
    "ORDER BY next_run_at";
constexpr char kCloseOrphansSql[] =
    "UPDATE archive_runs SET ended_at = now(), error = 'interrupted: the replica running it "
    "stopped' WHERE workflow = $1 AND ended_at IS NULL";
constexpr char kStartRunSql[] = "INSERT INTO archive_runs (workflow) VALUES ($1) RETURNING id";
constexpr char kFinishRunSql[] =
    "WITH r AS (UPDATE archive_runs SET ended_at = now(), error = left($2, 2000) WHERE id = $1 "
    "RETURNING *), "
    "w AS (UPDATE archiving_workflows SET next_run_at = now() + schedule_seconds * "
    "interval '1 second' WHERE internal_name = (SELECT workflow FROM r)) "
    "SELECT {R} FROM r";
// The newest successful run of each workflow, read backwards through archive_runs_workflow.
constexpr char kLastArchivedSql[] =
    "SELECT w.account, (extract(epoch FROM COALESCE((SELECT r.ended_at FROM archive_runs r "
    "WHERE r.workflow = w.internal_name AND r.ended_at IS NOT NULL AND r.error = '' "
    "ORDER BY r.id DESC LIMIT 1), w.created_at)) * 1000000)::bigint AS archived_us "
    "FROM archiving_workflows w";
constexpr char kListRunsSql[] =
    "SELECT {R} FROM archive_runs WHERE workflow = $1 ORDER BY id DESC LIMIT $2";

// One page, one statement: events (with their story: Message-ID, last failure, when the relay
// answered, retries), logs, the run's counters and the cursor (only forward). An event exported
// again after a late change (a bounce that turned Sent into Delivery failed: the instance
// stamps the change with a new final_xid, past the cursor) updates its archived row and its
// log; a rerun's rows already archived as they are now change nothing and are not counted
// (the WHERE of each DO UPDATE), retries included (they live on the event row).
constexpr char kStorePageSql[] = R"sql(
WITH ev AS (
  INSERT INTO archived_events (account, remote_id, instance_id, queue, event_type, channel,
    address, external_id, status, template_name, template_version, tries, created_at, routed_at,
    finished_at, message_id, failure_type, failure_reason, handed_to_relay_at, retries)
  SELECT $1, r.id, $2, r.queue, r.event_type, r.channel, r.address, r.external_id, r.status,
    r.template_name, r.template_version, r.tries,
    timestamptz 'epoch' + r.created * interval '1 microsecond',
    timestamptz 'epoch' + r.routed * interval '1 microsecond',
    timestamptz 'epoch' + r.finished * interval '1 microsecond',
    r.message_id, r.failure_type, r.failure_reason,
    timestamptz 'epoch' + r.relayed * interval '1 microsecond', coalesce(r.retries, '[]')
  FROM jsonb_to_recordset($3::jsonb) AS r(id bigint, queue smallint, event_type text,
    channel smallint, address text, external_id text, status smallint, template_name text,
    template_version integer, tries integer, created bigint, routed bigint, finished bigint,
    message_id text, failure_type text, failure_reason text, relayed bigint, retries jsonb)
  ON CONFLICT (account, remote_id) DO UPDATE SET status = excluded.status,
    tries = excluded.tries, finished_at = excluded.finished_at,
    message_id = excluded.message_id, failure_type = excluded.failure_type,
    failure_reason = excluded.failure_reason, handed_to_relay_at = excluded.handed_to_relay_at,
    retries = excluded.retries, archived_at = now()
  WHERE (archived_events.status, archived_events.failure_type, archived_events.failure_reason,
         archived_events.retries, archived_events.finished_at)
        IS DISTINCT FROM (excluded.status, excluded.failure_type, excluded.failure_reason,
                          excluded.retries, excluded.finished_at)
  RETURNING 1),
lg AS (
  INSERT INTO archived_delivery_logs (account, remote_id, event_id, channel, address, status,
    failure_type, failure_reason, tries, message_id, template_version, logged_at)
  SELECT $1, r.id, r.event_id, r.channel, r.address, r.status, r.failure_type,
    r.failure_reason, r.tries, r.message_id, r.template_version,
    timestamptz 'epoch' + r.logged * interval '1 microsecond'
  FROM jsonb_to_recordset($4::jsonb) AS r(id bigint, event_id bigint, channel smallint,
    address text, status smallint, failure_type text, failure_reason text, tries integer,
    message_id text, template_version integer, logged bigint)
  ON CONFLICT (account, remote_id) DO UPDATE SET status = excluded.status,
    failure_type = excluded.failure_type, failure_reason = excluded.failure_reason,
    archived_at = now()
  WHERE (archived_delivery_logs.status, archived_delivery_logs.failure_type,
         archived_delivery_logs.failure_reason)
        IS DISTINCT FROM (excluded.status, excluded.failure_type, excluded.failure_reason)
  RETURNING 1),
counts AS (SELECT (SELECT count(*) FROM ev) AS events, (SELECT count(*) FROM lg) AS logs),
run AS (
  UPDATE archive_runs SET events_copied = events_copied + counts.events,
    delivery_logs_copied = delivery_logs_copied + counts.logs
  FROM counts WHERE id = $8),
cur AS (
  UPDATE archiving_workflows SET cursor_xid = $5, cursor_queue = $6, cursor_id = $7
  WHERE internal_name = $9 AND (cursor_xid, cursor_queue, cursor_id) < ($5, $6, $7))
SELECT events, logs FROM counts)sql";

// Addresses are stored as their keys (address_key(), migration 0004), also from an execution
// instance whose own rows are not keys yet; of a page's rows that share a key, the deny row
// wins, else the most recently changed. Each row is an upsert of the entry with its history
// (migration 0007): a row changes only where the instance's entry changed (a removal, a new
// bounce, an entry added again), so a rerun of the same pages changes nothing, and only the rows
// that changed count as copied.
constexpr char kStoreQuarantineSql[] = R"sql(
WITH q AS (
  INSERT INTO archived_quarantine AS a (account, channel, address, kind, reason, created_at,
    failure_type, errors, first_seen_at, last_seen_at, expires_at, active, event_queue,
    event_id, removed_at, changed_by, changed_at)
  SELECT DISTINCT ON (r.channel, address_key(r.channel, r.address))
    $1, r.channel, address_key(r.channel, r.address), r.kind, r.reason, {T:r.created},
    r.failure_type, r.errors, {T:r.first}, {T:r.last}, {T:r.expires}, r.active, r.event_queue,
    r.event_id, {T:r.removed}, r.changed_by, {T:r.changed}
  FROM jsonb_to_recordset($2::jsonb) AS r(channel smallint, address text, kind text,
    reason text, created bigint, failure_type text, errors integer, first bigint, last bigint,
    expires bigint, active boolean, event_queue smallint, event_id bigint, removed bigint,
    changed_by text, changed bigint)
  ORDER BY r.channel, address_key(r.channel, r.address), r.kind = 'deny' DESC, r.changed DESC,
    r.created DESC
  ON CONFLICT (account, channel, address) DO UPDATE SET kind = excluded.kind,
    reason = excluded.reason, created_at = excluded.created_at,
    failure_type = excluded.failure_type, errors = excluded.errors,
    first_seen_at = excluded.first_seen_at, last_seen_at = excluded.last_seen_at,
    expires_at = excluded.expires_at, active = excluded.active,
    event_queue = excluded.event_queue, event_id = excluded.event_id,
    removed_at = excluded.removed_at, changed_by = excluded.changed_by,
    changed_at = excluded.changed_at, updated_at = now()
  WHERE (a.kind, a.reason, a.created_at, a.failure_type, a.errors, a.first_seen_at,
         a.last_seen_at, a.expires_at, a.active, a.event_queue, a.event_id, a.removed_at,
         a.changed_by, a.changed_at)
    IS DISTINCT FROM (excluded.kind, excluded.reason, excluded.created_at, excluded.failure_type,
         excluded.errors, excluded.first_seen_at, excluded.last_seen_at, excluded.expires_at,
         excluded.active, excluded.event_queue, excluded.event_id, excluded.removed_at,
         excluded.changed_by, excluded.changed_at)
  RETURNING 1),
run AS (UPDATE archive_runs SET quarantine_copied = quarantine_copied + (SELECT count(*) FROM q)
  WHERE id = $3)
SELECT count(*) FROM q)sql";

// {T:x}: the epoch microseconds x (NULL stays NULL) as a timestamptz.
std::string StoreQuarantineSql() {
  std::string sql = kStoreQuarantineSql;
  for (size_t at; (at = sql.find("{T:")) != std::string::npos;) {
    const size_t close = sql.find('}', at);
    const std::string column = sql.substr(at + 3, close - at - 3);
    sql.replace(at, close - at + 1,
                absl::StrCat("timestamptz 'epoch' + ", column, " * interval '1 microsecond'"));
  }
  return sql;
}

constexpr char kPurgeEventsSql[] = R"sql(
WITH doomed AS (
  SELECT account, remote_id FROM archived_events WHERE created_at < $1 LIMIT $2),
logs AS (
  DELETE FROM archived_delivery_logs l USING doomed d
  WHERE l.account = d.account AND l.event_id = d.remote_id RETURNING 1),
ev AS (
  DELETE FROM archived_events e USING doomed d
  WHERE e.account = d.account AND e.remote_id = d.remote_id RETURNING 1)
SELECT (SELECT count(*) FROM ev) AS events, (SELECT count(*) FROM logs) AS logs)sql";

std::string WithRunColumns(std::string sql) {
  const size_t at = sql.find("{R}");
  if (at != std::string::npos) sql.replace(at, 3, kRunColumns);
  return sql;
}

ArchiveRun RunFromRow(const pg::Row& r) {
  ArchiveRun run;
  run.id = r.Get<int64_t>("id");
  run.workflow = r.Get<std::string>("workflow");
  run.started = r.Micros("started_us");
  run.ended = r.OptionalMicros("ended_us");
  run.events_copied = r.Get<int64_t>("events_copied");
  run.delivery_logs_copied = r.Get<int64_t>("delivery_logs_copied");
  run.quarantine_copied = r.Get<int64_t>("quarantine_copied");
  run.error = r.Get<std::string>("error");
  return run;
}

ArchivingWorkflow WorkflowFromRow(const pg::Row& r) {
  ArchivingWorkflow w;
  w.internal_name = r.Get<std::string>("internal_name");
  w.label = r.Get<std::string>("label");
  w.folder = r.Get<std::string>("folder");
  w.account = r.Get<std::string>("account");
  w.state = static_cast<ArchivingState>(r.Get<int>("state"));
  w.schedule_seconds = r.Get<int64_t>("schedule_seconds");
  w.next_run = r.Micros("next_run_us");
  w.cursor = {.xid = static_cast<uint64_t>(r.Get<int64_t>("cursor_xid")),
              .queue = r.Get<int>("cursor_queue"),
              .id = r.Get<int64_t>("cursor_id")};
  if (!r.IsNull("id")) w.last_run = RunFromRow(r);
  return w;
}

std::pair<std::string, absl::Time> LastArchivedFromRow(const pg::Row& r) {
  return {r.Get<std::string>("account"), r.Micros("archived_us")};
}

CopiedRows CopiedFromRow(const pg::Row& r) {
  return {.events = r.Get<int64_t>("events"), .delivery_logs = r.Get<int64_t>("logs")};
}

PurgedRows PurgedFromRow(const pg::Row& r) {
  return {.events = r.Get<int64_t>("events"), .delivery_logs = r.Get<int64_t>("logs")};
}

const pg::Query<ArchivingWorkflow> kGet("archiving_get",
                                        absl::StrCat(kWorkflowSelect, "WHERE w.internal_name = $1"),
                                        WorkflowFromRow);
const pg::Query<ArchivingWorkflow> kList("archiving_list",
                                         absl::StrCat(kWorkflowSelect, "ORDER BY w.internal_name"),
                                         WorkflowFromRow);
const pg::Statement kCreate("archiving_create", kCreateSql);
const pg::Query<int64_t> kHasWorkflow("archiving_has_workflow", kHasWorkflowSql);
const pg::Statement kSetState("archiving_set_state", kSetStateSql);
const pg::Statement kSetSchedule("archiving_set_schedule", kSetScheduleSql);
const pg::Query<std::string> kDue("archiving_due", kDueSql);
const pg::Statement kCloseOrphans("archiving_close_orphans", kCloseOrphansSql);
const pg::Query<int64_t> kStartRun("archiving_start_run", kStartRunSql);
const pg::Query<ArchiveRun> kFinishRun("archiving_finish_run", WithRunColumns(kFinishRunSql),
                                       RunFromRow);
const pg::Query<ArchiveRun> kListRuns("archiving_list_runs", WithRunColumns(kListRunsSql),
                                      RunFromRow);
const pg::Query<std::pair<std::string, absl::Time>> kLastArchived("archiving_last_archived",
                                                                  kLastArchivedSql,
                                                                  LastArchivedFromRow);
const pg::Query<CopiedRows> kStorePage("archiving_store_page", kStorePageSql, CopiedFromRow);
const pg::Query<int64_t> kStoreQuarantine("archiving_store_quarantine", StoreQuarantineSql());
const pg::Query<PurgedRows> kPurge("archiving_purge", kPurgeEventsSql, PurgedFromRow);

absl::Status NoWorkflow(const std::string& name) {
  return absl::NotFoundError(absl::StrCat("no archiving workflow named '", name, "'"));
}

// Changes one workflow (`change` with its arguments, if any) and reads it back, in one
// transaction: NOT_FOUND naming it when there is none.
template <typename... Args>
absl::StatusOr<ArchivingWorkflow> ChangeAndGet(pg::ConnectionPool& pool, const std::string& name,
                                               const pg::Statement* change, const Args&... args) {
  absl::StatusOr<std::optional<ArchivingWorkflow>> w =
      pg::Transact(pool, pg::ReadWrite(),
                   [&](pg::Transaction& tx) -> absl::StatusOr<std::optional<ArchivingWorkflow>> {
                     if (change != nullptr) tx.Execute(*change, name, args...);
                     return tx.FetchOptional(kGet, name);
                   });
  if (!w.ok()) return w.status();
  if (!*w) return NoWorkflow(name);
  return **std::move(w);
}

nlohmann::json Micros(const std::optional<absl::Time>& t) {
  return t ? nlohmann::json(absl::ToUnixMicros(*t)) : nlohmann::json();
}

// The last failure of an event's story: its delivery log's when delivery failed (or expired),
// else the last retried soft failure's (an event sent at its third try failed softly before);
// none when it never failed.
std::pair<std::string, std::string> LastFailure(const ArchivedEvent& e) {
  if (e.log && !e.log->failure_type.empty()) {
    return {e.log->failure_type, e.log->failure_reason};
  }
  for (auto r = e.retries.rbegin(); r != e.retries.rend(); ++r) {
    if (r->kind != 3) return {r->failure_type, r->reason};  // a complaint is not a failure
  }
  return {"", ""};
}

// As migration 0006 documents the column, with each element's "kind": 0 a soft failure tried
// again, 1 a late hard bounce, 2 a late soft bounce, 3 a complaint (rows archived before have
// none: read as 0).
nlohmann::json RetriesJson(const std::vector<ArchivedRetry>& retries) {
  nlohmann::json out = nlohmann::json::array();
  for (const ArchivedRetry& r : retries) {
    out.push_back({{"kind", r.kind},
                   {"try", r.try_number},
                   {"type", r.failure_type},
                   {"reason", r.reason},
                   {"at", absl::ToUnixMicros(r.at)},
                   {"next", Micros(r.next_try)}});
  }
  return out;
}

std::string Json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string ArchivingWorkflowName(const std::string& account) {
  return absl::StrCat("mcSynch_", account);
}

ArchivingRepository::ArchivingRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pg::Prepare(pool_, kGet, kList, kCreate, kHasWorkflow, kSetState, kSetSchedule, kDue,
              kCloseOrphans, kStartRun, kFinishRun, kListRuns, kLastArchived, kStorePage,
              kStoreQuarantine, kPurge);
}

absl::StatusOr<ArchivingWorkflow> ArchivingRepository::Create(const std::string& account,
                                                              int64_t schedule_seconds) {
  const std::string name = ArchivingWorkflowName(account);
  absl::StatusOr<int64_t> created =
      pg::Execute(pool_, kCreate,
                  pg::ReadWrite().OnUniqueViolation(absl::AlreadyExistsError(absl::StrCat(
                      "account '", account, "' already has its archiving workflow ", name))),
                  name, account, schedule_seconds);
  if (!created.ok()) return created.status();
  if (*created == 0) return absl::NotFoundError(absl::StrCat("no account named '", account, "'"));
  return Get(name);
}

absl::StatusOr<bool> ArchivingRepository::HasWorkflowFor(const std::string& account) {
  absl::StatusOr<int64_t> n = pg::FetchOne(pool_, kHasWorkflow, pg::ReadOnly(), account);
  if (!n.ok()) return n.status();
  return *n > 0;
}

absl::StatusOr<ArchivingWorkflow> ArchivingRepository::Get(const std::string& name) {
  return ChangeAndGet(pool_, name, nullptr);
}

absl::StatusOr<std::vector<ArchivingWorkflow>> ArchivingRepository::List() {
  return pg::FetchAll(pool_, kList, pg::ReadOnly());
}

absl::StatusOr<ArchivingWorkflow> ArchivingRepository::SetState(const std::string& name,
                                                                ArchivingState state) {
  return ChangeAndGet(pool_, name, &kSetState, static_cast<int>(state));
}

absl::StatusOr<ArchivingWorkflow> ArchivingRepository::SetSchedule(const std::string& name,
                                                                   int64_t seconds) {
  if (seconds <= 0) return absl::InvalidArgumentError("schedule_seconds: must be positive");
  return ChangeAndGet(pool_, name, &kSetSchedule, seconds);
}

absl::StatusOr<std::vector<std::string>> ArchivingRepository::Due() {
  return pg::FetchAll(pool_, kDue, pg::ReadOnly());
}

absl::StatusOr<int64_t> ArchivingRepository::StartRun(const std::string& name) {
  return pg::Transact(pool_, pg::ReadWrite(), [&](pg::Transaction& tx) -> absl::StatusOr<int64_t> {
    tx.Execute(kCloseOrphans, name);
    return tx.FetchOne(kStartRun, name);
  });
}

absl::StatusOr<ArchiveRun> ArchivingRepository::FinishRun(int64_t run_id,
                                                          const std::string& error) {
  return pg::FetchOne(
      pool_, kFinishRun,
      pg::ReadWrite().IfNone(absl::NotFoundError(absl::StrCat("no archive run ", run_id))), run_id,
      error);
}

absl::StatusOr<std::vector<ArchiveRun>> ArchivingRepository::ListRuns(const std::string& name,
                                                                      int limit) {
  return pg::FetchAll(pool_, kListRuns, pg::ReadOnly(), name, limit);
}

absl::StatusOr<std::vector<std::pair<std::string, absl::Time>>>
ArchivingRepository::LastArchived() {
  return pg::FetchAll(pool_, kLastArchived, pg::ReadOnly());
}

absl::StatusOr<CopiedRows> ArchivingRepository::StorePage(const std::string& workflow,
                                                          int64_t run_id,
                                                          const std::string& account,
                                                          const ArchivePage& page) {
  nlohmann::json events = nlohmann::json::array(), logs = nlohmann::json::array();
  for (const ArchivedEvent& e : page.events) {
    const auto [failure_type, failure_reason] = LastFailure(e);
    events.push_back(
        {{"id", e.id},
         {"queue", e.queue},
         {"event_type", e.event_type},
         {"channel", e.channel},
         {"address", e.address},
         {"external_id", e.external_id},
         {"status", e.status},
         {"template_name", e.template_name},
         {"template_version", e.template_version},
         {"tries", e.tries},
         {"created", absl::ToUnixMicros(e.created)},
         {"routed", Micros(e.routed)},
         {"finished", absl::ToUnixMicros(e.finished)},
         // An instance of a version before message_id: the log's.
         {"message_id", e.message_id.empty() && e.log ? e.log->message_id : e.message_id},
         {"failure_type", failure_type},
         {"failure_reason", failure_reason},
         {"relayed", e.log ? Micros(e.log->logged) : nlohmann::json()},
         {"retries", e.retries.empty() ? nlohmann::json() : RetriesJson(e.retries)}});
    if (e.log) {
      const ArchivedDeliveryLog& l = *e.log;
      logs.push_back({{"id", l.id},
                      {"event_id", e.id},
                      {"channel", l.channel},
                      {"address", l.address},
                      {"status", l.status},
                      {"failure_type", l.failure_type},
                      {"failure_reason", l.failure_reason},
                      {"tries", l.tries},
                      {"message_id", l.message_id},
                      {"template_version", l.template_version},
                      {"logged", absl::ToUnixMicros(l.logged)}});
    }
  }
  return pg::FetchOne(pool_, kStorePage, pg::ReadWrite(), account, page.instance_id, Json(events),
                      Json(logs), static_cast<int64_t>(page.next.xid), page.next.queue,
                      page.next.id, run_id, workflow);
}

absl::StatusOr<int64_t> ArchivingRepository::StoreQuarantine(
    int64_t run_id, const std::string& account, const std::vector<QuarantinedAddress>& addresses) {
  nlohmann::json rows = nlohmann::json::array();
  for (const QuarantinedAddress& q : addresses) {
    rows.push_back({{"channel", q.channel},
                    {"address", q.address},
                    {"kind", q.kind},
                    {"reason", q.reason},
                    {"created", absl::ToUnixMicros(q.created)},
                    {"failure_type", q.failure_type},
                    {"errors", q.errors},
                    {"first", absl::ToUnixMicros(q.first_seen)},
                    {"last", absl::ToUnixMicros(q.last_seen)},
                    {"expires", Micros(q.expires)},
                    {"active", q.active},
                    {"event_queue", q.event_queue},
                    {"event_id", q.event_id},
                    {"removed", Micros(q.removed)},
                    {"changed_by", q.changed_by},
                    {"changed", absl::ToUnixMicros(q.changed_at)}});
  }
  return pg::FetchOne(pool_, kStoreQuarantine, pg::ReadWrite(), account, Json(rows), run_id);
}

absl::StatusOr<PurgedRows> ArchivingRepository::Purge(absl::Time before, int batch) {
  const std::string cutoff = absl::FormatTime(absl::RFC3339_full, before, absl::UTCTimeZone());
  PurgedRows total;
  while (true) {
    absl::StatusOr<PurgedRows> step = pg::FetchOne(pool_, kPurge, pg::ReadWrite(), cutoff, batch);
    if (!step.ok()) return step.status();
    total.events += step->events;
    total.delivery_logs += step->delivery_logs;
    if (step->events < batch) break;
  }
  return total;
}

}  // namespace mc::control
