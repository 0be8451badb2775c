#include "tests/support/archive_check.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace mc::e2e {
namespace {

// {E}: execution schema, {C}: control schema, $1: account.
// An event's tries are its delivery log's when it has one; its story keeps the log's Message-ID
// and one retry per delivery attempt (try number and reason).
constexpr char kSourceEvents[] =
    "SELECT e.id, e.queue, e.status, e.event_type, e.created_at, coalesce(l.tries, e.tries), "
    "coalesce(e.template_version, 0), coalesce(l.message_id, ''), "
    "(SELECT coalesce(string_agg(a.try_number || ' ' || a.reason, ', ' ORDER BY a.try_number), "
    "'') FROM {E}.delivery_attempts a WHERE a.queue = e.queue AND a.event_id = e.id) "
    "FROM (SELECT *, 1 AS queue FROM {E}.rt_events UNION ALL "
    "SELECT *, 2 FROM {E}.batch_events) e LEFT JOIN {E}.delivery_logs l "
    "ON l.queue = e.queue AND l.event_id = e.id WHERE e.status >= 2";
constexpr char kArchivedEvents[] =
    "SELECT remote_id, queue, status, event_type, created_at, tries, template_version, "
    "message_id, (SELECT coalesce(string_agg((r->>'try') || ' ' || (r->>'reason'), ', ' "
    "ORDER BY (r->>'try')::int), '') FROM jsonb_array_elements(retries) r) "
    "FROM {C}.archived_events WHERE account = $1";
constexpr char kSourceLogs[] =
    "SELECT id, event_id, status, coalesce(failure_type, ''), tries, coalesce(message_id, ''), "
    "address FROM {E}.delivery_logs";
constexpr char kArchivedLogs[] =
    "SELECT remote_id, event_id, status, failure_type, tries, message_id, address "
    "FROM {C}.archived_delivery_logs WHERE account = $1";
constexpr char kSourceQuarantine[] = "SELECT channel, address, kind FROM {E}.quarantine";
constexpr char kArchivedQuarantine[] =
    "SELECT channel, address, kind FROM {C}.archived_quarantine WHERE account = $1";

}  // namespace

ArchiveDiff CompareArchive(const std::string& dsn, const std::string& control_schema,
                           const std::string& account, const std::string& execution_schema) {
  pqxx::connection c(dsn);
  pqxx::read_transaction tx(c);
  auto sql = [&](const char* q) {
    return absl::StrReplaceAll(q, {{"{E}", execution_schema}, {"{C}", control_schema}});
  };
  auto count = [&](const std::string& q) {
    return tx.exec_params1(absl::StrCat("SELECT count(*) FROM (", q, ") x"), account)[0]
        .as<int64_t>();
  };
  auto count_source = [&](const std::string& q) {
    return tx.exec1(absl::StrCat("SELECT count(*) FROM (", q, ") x"))[0].as<int64_t>();
  };
  auto diff = [&](const char* a, const char* b) {
    return count(absl::StrCat("(", sql(a), " EXCEPT ALL ", sql(b), ") UNION ALL (", sql(b),
                              " EXCEPT ALL ", sql(a), ")"));
  };
  ArchiveDiff d;
  d.source_events = count_source(sql(kSourceEvents));
  d.archived_events = count(sql(kArchivedEvents));
  d.event_mismatches = diff(kSourceEvents, kArchivedEvents);
  d.source_logs = count_source(sql(kSourceLogs));
  d.archived_logs = count(sql(kArchivedLogs));
  d.log_mismatches = diff(kSourceLogs, kArchivedLogs);
  d.source_quarantine = count_source(sql(kSourceQuarantine));
  d.archived_quarantine = count(sql(kArchivedQuarantine));
  d.quarantine_mismatches = diff(kSourceQuarantine, kArchivedQuarantine);
  return d;
}

}  // namespace mc::e2e
