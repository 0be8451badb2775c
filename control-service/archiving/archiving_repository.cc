#include "control-service/archiving/archiving_repository.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/str_cat.h"

namespace mc::control {
namespace {

constexpr char kWorkflowSelect[] =
    "SELECT w.internal_name, w.label, w.folder, w.account, w.state, w.schedule_seconds, "
    "(extract(epoch FROM w.next_run_at) * 1000000)::bigint, w.cursor_xid, w.cursor_queue, "
    "w.cursor_id, r.id, (extract(epoch FROM r.started_at) * 1000000)::bigint, "
    "(extract(epoch FROM r.ended_at) * 1000000)::bigint, r.events_copied, "
    "r.delivery_logs_copied, r.quarantine_copied, r.error "
    "FROM archiving_workflows w LEFT JOIN LATERAL (SELECT * FROM archive_runs x "
    "WHERE x.workflow = w.internal_name ORDER BY x.id DESC LIMIT 1) r ON true ";

constexpr char kRunColumns[] =
    "id, workflow, (extract(epoch FROM started_at) * 1000000)::bigint, "
    "(extract(epoch FROM ended_at) * 1000000)::bigint, events_copied, delivery_logs_copied, "
    "quarantine_copied, error";

constexpr char kCreate[] =
    "INSERT INTO archiving_workflows (internal_name, account, label, schedule_seconds) "
    "SELECT $1, a.internal_name, 'Message Center ' || CASE WHEN a.label = '' THEN "
    "a.internal_name ELSE a.label END, $3 FROM accounts a WHERE a.internal_name = $2";
constexpr char kHasWorkflow[] = "SELECT count(*) FROM archiving_workflows WHERE account = $1";
constexpr char kSetState[] =
    "UPDATE archiving_workflows SET state = $2::smallint, "
    "next_run_at = CASE WHEN $2::smallint = 1 THEN now() ELSE next_run_at END "
    "WHERE internal_name = $1";
constexpr char kSetSchedule[] =
    "UPDATE archiving_workflows SET schedule_seconds = $2::bigint, "
    "next_run_at = least(next_run_at, now() + $2::bigint * interval '1 second') "
    "WHERE internal_name = $1";
constexpr char kDue[] =
    "SELECT internal_name FROM archiving_workflows WHERE state = 1 AND next_run_at <= now() "
    "ORDER BY next_run_at";
constexpr char kCloseOrphans[] =
    "UPDATE archive_runs SET ended_at = now(), error = 'interrupted: the replica running it "
    "stopped' WHERE workflow = $1 AND ended_at IS NULL";
constexpr char kStartRun[] = "INSERT INTO archive_runs (workflow) VALUES ($1) RETURNING id";
constexpr char kFinishRun[] =
    "WITH r AS (UPDATE archive_runs SET ended_at = now(), error = left($2, 2000) WHERE id = $1 "
    "RETURNING *), "
    "w AS (UPDATE archiving_workflows SET next_run_at = now() + schedule_seconds * "
    "interval '1 second' WHERE internal_name = (SELECT workflow FROM r)) "
    "SELECT id, workflow, (extract(epoch FROM started_at) * 1000000)::bigint, "
    "(extract(epoch FROM ended_at) * 1000000)::bigint, events_copied, delivery_logs_copied, "
    "quarantine_copied, error FROM r";
// The newest successful run of each workflow, read backwards through archive_runs_workflow.
constexpr char kLastArchived[] =
    "SELECT w.account, (extract(epoch FROM COALESCE((SELECT r.ended_at FROM archive_runs r "
    "WHERE r.workflow = w.internal_name AND r.ended_at IS NOT NULL AND r.error = '' "
    "ORDER BY r.id DESC LIMIT 1), w.created_at)) * 1000000)::bigint "
    "FROM archiving_workflows w";
constexpr char kListRuns[] =
    "SELECT {R} FROM archive_runs WHERE workflow = $1 ORDER BY id DESC LIMIT $2";

// One page, one statement: events, logs, the run's counters and the cursor (only forward).
constexpr char kStorePage[] = R"sql(
WITH ev AS (
  INSERT INTO archived_events (account, remote_id, instance_id, queue, event_type, channel,
    address, external_id, status, template_name, template_version, tries, created_at, routed_at,
    finished_at)
  SELECT $1, r.id, $2, r.queue, r.event_type, r.channel, r.address, r.external_id, r.status,
    r.template_name, r.template_version, r.tries,
    timestamptz 'epoch' + r.created * interval '1 microsecond',
    timestamptz 'epoch' + r.routed * interval '1 microsecond',
    timestamptz 'epoch' + r.finished * interval '1 microsecond'
  FROM jsonb_to_recordset($3::jsonb) AS r(id bigint, queue smallint, event_type text,
    channel smallint, address text, external_id text, status smallint, template_name text,
    template_version integer, tries integer, created bigint, routed bigint, finished bigint)
  ON CONFLICT (account, remote_id) DO NOTHING
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
  ON CONFLICT (account, remote_id) DO NOTHING
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
// wins, else the latest.
constexpr char kStoreQuarantine[] = R"sql(
WITH q AS (
  INSERT INTO archived_quarantine (account, channel, address, kind, reason, created_at)
  SELECT DISTINCT ON (r.channel, address_key(r.channel, r.address))
    $1, r.channel, address_key(r.channel, r.address), r.kind, r.reason,
    timestamptz 'epoch' + r.created * interval '1 microsecond'
  FROM jsonb_to_recordset($2::jsonb) AS r(channel smallint, address text, kind text,
    reason text, created bigint)
  ORDER BY r.channel, address_key(r.channel, r.address), r.kind = 'deny' DESC, r.created DESC
  ON CONFLICT (account, channel, address) DO UPDATE SET kind = excluded.kind,
    reason = excluded.reason, created_at = excluded.created_at
  WHERE (archived_quarantine.kind, archived_quarantine.reason, archived_quarantine.created_at)
    IS DISTINCT FROM (excluded.kind, excluded.reason, excluded.created_at)
  RETURNING 1),
run AS (UPDATE archive_runs SET quarantine_copied = quarantine_copied + (SELECT count(*) FROM q)
  WHERE id = $3)
SELECT count(*) FROM q)sql";

constexpr char kPurgeEvents[] = R"sql(
WITH doomed AS (
  SELECT account, remote_id FROM archived_events WHERE created_at < $1 LIMIT $2),
logs AS (
  DELETE FROM archived_delivery_logs l USING doomed d
  WHERE l.account = d.account AND l.event_id = d.remote_id RETURNING 1),
ev AS (
  DELETE FROM archived_events e USING doomed d
  WHERE e.account = d.account AND e.remote_id = d.remote_id RETURNING 1)
SELECT (SELECT count(*) FROM ev), (SELECT count(*) FROM logs))sql";

std::string WithRunColumns(std::string sql) {
  const size_t at = sql.find("{R}");
  if (at != std::string::npos) sql.replace(at, 3, kRunColumns);
  return sql;
}

ArchiveRun RunFromRow(const pqxx::row& r, int at) {
  ArchiveRun run;
  run.id = r[at].as<int64_t>();
  run.workflow = r[at + 1].as<std::string>();
  run.started = absl::FromUnixMicros(r[at + 2].as<int64_t>());
  if (!r[at + 3].is_null()) run.ended = absl::FromUnixMicros(r[at + 3].as<int64_t>());
  run.events_copied = r[at + 4].as<int64_t>();
  run.delivery_logs_copied = r[at + 5].as<int64_t>();
  run.quarantine_copied = r[at + 6].as<int64_t>();
  run.error = r[at + 7].as<std::string>();
  return run;
}

ArchivingWorkflow WorkflowFromRow(const pqxx::row& r) {
  ArchivingWorkflow w;
  w.internal_name = r[0].as<std::string>();
  w.label = r[1].as<std::string>();
  w.folder = r[2].as<std::string>();
  w.account = r[3].as<std::string>();
  w.state = static_cast<ArchivingState>(r[4].as<int>());
  w.schedule_seconds = r[5].as<int64_t>();
  w.next_run = absl::FromUnixMicros(r[6].as<int64_t>());
  w.cursor = {.xid = static_cast<uint64_t>(r[7].as<int64_t>()),
              .queue = r[8].as<int>(),
              .id = r[9].as<int64_t>()};
  if (!r[10].is_null()) {
    ArchiveRun run;
    run.id = r[10].as<int64_t>();
    run.workflow = w.internal_name;
    run.started = absl::FromUnixMicros(r[11].as<int64_t>());
    if (!r[12].is_null()) run.ended = absl::FromUnixMicros(r[12].as<int64_t>());
    run.events_copied = r[13].as<int64_t>();
    run.delivery_logs_copied = r[14].as<int64_t>();
    run.quarantine_copied = r[15].as<int64_t>();
    run.error = r[16].as<std::string>();
    w.last_run = run;
  }
  return w;
}

absl::Status NoWorkflow(const std::string& name) {
  return absl::NotFoundError(absl::StrCat("no archiving workflow named '", name, "'"));
}

}  // namespace

std::string ArchivingWorkflowName(const std::string& account) {
  return absl::StrCat("mcSynch_", account);
}

ArchivingRepository::ArchivingRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pool_.Prepare("archiving_get", absl::StrCat(kWorkflowSelect, "WHERE w.internal_name = $1"));
  pool_.Prepare("archiving_list", absl::StrCat(kWorkflowSelect, "ORDER BY w.internal_name"));
  pool_.Prepare("archiving_create", kCreate);
  pool_.Prepare("archiving_has_workflow", kHasWorkflow);
  pool_.Prepare("archiving_set_state", kSetState);
  pool_.Prepare("archiving_set_schedule", kSetSchedule);
  pool_.Prepare("archiving_due", kDue);
  pool_.Prepare("archiving_close_orphans", kCloseOrphans);
  pool_.Prepare("archiving_start_run", kStartRun);
  pool_.Prepare("archiving_finish_run", kFinishRun);
  pool_.Prepare("archiving_list_runs", WithRunColumns(kListRuns));
  pool_.Prepare("archiving_last_archived", kLastArchived);
  pool_.Prepare("archiving_store_page", kStorePage);
  pool_.Prepare("archiving_store_quarantine", kStoreQuarantine);
  pool_.Prepare("archiving_purge", kPurgeEvents);
}

absl::StatusOr<ArchivingWorkflow> ArchivingRepository::One(
    const std::string& name, const char* statement,
    const std::function<pqxx::result(pqxx::work&)>& exec) {
  std::optional<ArchivingWorkflow> out;
  absl::Status s = pool_.Run([&](pqxx::connection& c) -> absl::Status {
    out.reset();
    pqxx::work tx(c);
    if (exec) exec(tx);
    pqxx::result r = tx.exec_prepared("archiving_get", name);
    if (!r.empty()) out = WorkflowFromRow(r[0]);
    tx.commit();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!out) return NoWorkflow(name);
  return *out;
}

absl::StatusOr<ArchivingWorkflow> ArchivingRepository::Create(const std::string& account,
                                                              int64_t schedule_seconds) {
  const std::string name = ArchivingWorkflowName(account);
  bool account_found = true;
  absl::StatusOr<ArchivingWorkflow> created;
  absl::Status s = pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    try {
      account_found =
          tx.exec_prepared("archiving_create", name, account, schedule_seconds).affected_rows() > 0;
    } catch (const pqxx::unique_violation&) {
      return absl::AlreadyExistsError(
          absl::StrCat("account '", account, "' already has its archiving workflow ", name));
    }
    tx.commit();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!account_found) return absl::NotFoundError(absl::StrCat("no account named '", account, "'"));
  return Get(name);
}

absl::StatusOr<bool> ArchivingRepository::HasWorkflowFor(const std::string& account) {
  bool has = false;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    has = tx.exec_prepared1("archiving_has_workflow", account)[0].as<int64_t>() > 0;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return has;
}

absl::StatusOr<ArchivingWorkflow> ArchivingRepository::Get(const std::string& name) {
  return One(name, nullptr, nullptr);
}

absl::StatusOr<std::vector<ArchivingWorkflow>> ArchivingRepository::List() {
  std::vector<ArchivingWorkflow> out;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    out.clear();
    pqxx::read_transaction tx(c);
    for (const pqxx::row& r : tx.exec_prepared("archiving_list")) out.push_back(WorkflowFromRow(r));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<ArchivingWorkflow> ArchivingRepository::SetState(const std::string& name,
                                                                ArchivingState state) {
  return One(name, "archiving_set_state", [&](pqxx::work& tx) {
    return tx.exec_prepared("archiving_set_state", name, static_cast<int>(state));
  });
}

absl::StatusOr<ArchivingWorkflow> ArchivingRepository::SetSchedule(const std::string& name,
                                                                   int64_t seconds) {
  if (seconds <= 0) return absl::InvalidArgumentError("schedule_seconds: must be positive");
  return One(name, "archiving_set_schedule", [&](pqxx::work& tx) {
    return tx.exec_prepared("archiving_set_schedule", name, seconds);
  });
}

absl::StatusOr<std::vector<std::string>> ArchivingRepository::Due() {
  std::vector<std::string> out;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    out.clear();
    pqxx::read_transaction tx(c);
    for (const pqxx::row& r : tx.exec_prepared("archiving_due")) {
      out.push_back(r[0].as<std::string>());
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<int64_t> ArchivingRepository::StartRun(const std::string& name) {
  int64_t id = 0;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec_prepared("archiving_close_orphans", name);
    id = tx.exec_prepared1("archiving_start_run", name)[0].as<int64_t>();
    tx.commit();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return id;
}

absl::StatusOr<ArchiveRun> ArchivingRepository::FinishRun(int64_t run_id,
                                                          const std::string& error) {
  std::optional<ArchiveRun> out;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    pqxx::result r = tx.exec_prepared("archiving_finish_run", run_id, error);
    if (!r.empty()) out = RunFromRow(r[0], 0);
    tx.commit();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!out) return absl::NotFoundError(absl::StrCat("no archive run ", run_id));
  return *out;
}

absl::StatusOr<std::vector<ArchiveRun>> ArchivingRepository::ListRuns(const std::string& name,
                                                                      int limit) {
  std::vector<ArchiveRun> out;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    out.clear();
    pqxx::read_transaction tx(c);
    for (const pqxx::row& r : tx.exec_prepared("archiving_list_runs", name, limit)) {
      out.push_back(RunFromRow(r, 0));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<std::pair<std::string, absl::Time>>>
ArchivingRepository::LastArchived() {
  std::vector<std::pair<std::string, absl::Time>> out;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    out.clear();
    pqxx::read_transaction tx(c);
    for (const pqxx::row& r : tx.exec_prepared("archiving_last_archived")) {
      out.emplace_back(r[0].as<std::string>(), absl::FromUnixMicros(r[1].as<int64_t>()));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<CopiedRows> ArchivingRepository::StorePage(const std::string& workflow,
                                                          int64_t run_id,
                                                          const std::string& account,
                                                          const ArchivePage& page) {
  nlohmann::json events = nlohmann::json::array(), logs = nlohmann::json::array();
  for (const ArchivedEvent& e : page.events) {
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
         {"routed", e.routed ? nlohmann::json(absl::ToUnixMicros(*e.routed)) : nlohmann::json()},
         {"finished", absl::ToUnixMicros(e.finished)}});
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
  const std::string events_json =
      events.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const std::string logs_json = logs.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  CopiedRows copied;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    pqxx::row r = tx.exec_prepared1("archiving_store_page", account, page.instance_id, events_json,
                                    logs_json, static_cast<int64_t>(page.next.xid), page.next.queue,
                                    page.next.id, run_id, workflow);
    copied = {.events = r[0].as<int64_t>(), .delivery_logs = r[1].as<int64_t>()};
    tx.commit();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return copied;
}

absl::StatusOr<int64_t> ArchivingRepository::StoreQuarantine(
    int64_t run_id, const std::string& account, const std::vector<QuarantinedAddress>& addresses) {
  nlohmann::json rows = nlohmann::json::array();
  for (const QuarantinedAddress& q : addresses) {
    rows.push_back({{"channel", q.channel},
                    {"address", q.address},
                    {"kind", q.kind},
                    {"reason", q.reason},
                    {"created", absl::ToUnixMicros(q.created)}});
  }
  const std::string json = rows.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  int64_t copied = 0;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    copied =
        tx.exec_prepared1("archiving_store_quarantine", account, json, run_id)[0].as<int64_t>();
    tx.commit();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return copied;
}

absl::StatusOr<PurgedRows> ArchivingRepository::Purge(absl::Time before, int batch) {
  const std::string cutoff = absl::FormatTime(absl::RFC3339_full, before, absl::UTCTimeZone());
  PurgedRows total;
  while (true) {
    PurgedRows step;
    absl::Status s = pool_.Run([&](pqxx::connection& c) {
      pqxx::work tx(c);
      pqxx::row r = tx.exec_prepared1("archiving_purge", cutoff, batch);
      step = {.events = r[0].as<int64_t>(), .delivery_logs = r[1].as<int64_t>()};
      tx.commit();
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    total.events += step.events;
    total.delivery_logs += step.delivery_logs;
    if (step.events < batch) break;
  }
  return total;
}

}  // namespace mc::control
