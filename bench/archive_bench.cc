// Archiving benchmark (issue: the control instance). In one run, on one throwaway PostgreSQL
// with durable commits:
//  (a) rows/s copied by one archiving run (RunNow of mcSynch_<account>) of --events final
//      events with their delivery logs: the execution instance's ExportArchive stream, the
//      control's page writes and cursor moves, real binaries over gRPC on loopback;
//  (b) PostgreSQL's ceiling for the same rows (the events with their story): one INSERT ...
//      SELECT per table straight from the execution schema into an identical archive schema, in
//      one transaction.
// A share of the events (--retried_per_mille) carry two retried soft failures, exported and
// archived with them (the story). Prints both and their ratio. Exit code 1 when the archive's
// counts do not match.
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <iostream>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/config/flag_set.h"
#include "common/pg/migrator.h"
#include "common/pgcluster/temp_postgres.h"
#include "common/process/service_process.h"
#include "control-service/migrations/migrations.h"
#include "messagecenter/control/v1/control.grpc.pb.h"

namespace {
namespace pb = messagecenter::control::v1;
constexpr char kToken[] = "bench-token-0123456789abcdef";

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto c = std::make_unique<grpc::ClientContext>();
  c->AddMetadata("authorization", std::string("Bearer ") + kToken);
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(30));
  return c;
}

int64_t Scalar(pqxx::connection& c, const std::string& sql) {
  pqxx::work tx(c);
  return tx.exec1(sql)[0].as<int64_t>();
}

// Final events as the workflows leave them (one transaction per 10,000, a mix of statuses),
// with a delivery log for those that reached delivery; `retried_per_mille` of the sent ones were
// sent at their third try, after two soft failures kept as delivery attempts.
void Seed(pqxx::connection& c, int events, int retried_per_mille) {
  for (int chunk = 0; chunk < events; chunk += 10000) {
    pqxx::work tx(c);
    tx.exec("SET LOCAL search_path TO bench_exec");
    tx.exec(absl::StrCat(
        "WITH ev AS (INSERT INTO rt_events (id, event_type, email, status, final_xid, tries, "
        "errors, routed_at, ctx) SELECT nextval('event_id_seq'), 'T' || (g % 5), 'user' || g || "
        "'@example.com', s.status, pg_current_xact_id(), 1 + s.errors, s.errors, now(), "
        "'{\"order\":{\"id\":1}}' FROM generate_series(",
        chunk, ", ", std::min(chunk + 10000, events) - 1,
        ") g, LATERAL (SELECT (ARRAY[2, 2, 2, 2, 3, 4, 5, 6])[1 + g % 8] AS status) st, "
        // Half the events are sent, so twice the rate among them.
        "LATERAL (SELECT st.status, CASE WHEN st.status = 2 AND g % 1000 < ",
        2 * retried_per_mille,
        " THEN 2 ELSE 0 END AS errors) s RETURNING id, email, status, errors), "
        "attempts AS (INSERT INTO delivery_attempts (queue, event_id, try_number, reason, "
        "address, message_id, next_try_at) SELECT 1, id, t, '451 4.3.2 try again later', email, "
        "'<ev-rt-' || id || '-' || t || '@example.com>', now() FROM ev, generate_series(1, 2) t "
        "WHERE errors > 0) "
        "INSERT INTO delivery_logs (queue, event_id, channel, address, status, tries, "
        "message_id) SELECT 1, id, 0, email, status, 1 + errors, '<ev-rt-' || id || "
        "'@example.com>' FROM ev WHERE status IN (2, 3, 4)"));
    tx.commit();
  }
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  int events = 100000, page_size = 1000, retried_per_mille = 10;
  mc::config::FlagSet flags("archive_bench: one archiving run vs PostgreSQL's INSERT ... SELECT");
  flags.Int("events", &events, "final events to archive");
  flags.Int("page_size", &page_size, "events per exported page");
  flags.Int("retried_per_mille", &retried_per_mille,
            "events (per thousand, 0 to 500) sent after two soft failures tried again");
  if (auto s = flags.Parse(argc, argv); !s.ok() || flags.help_requested()) {
    std::cerr << (s.ok() ? "" : std::string(s.message()) + "\n") << flags.Usage();
    return s.ok() ? 0 : 2;
  }
  if (retried_per_mille < 0 || retried_per_mille > 500) {
    std::cerr << "--retried_per_mille: 0 to 500\n";
    return 2;
  }
  auto pg = mc::pgcluster::TempPostgres::Start({.durable = true});
  if (!pg.ok()) {
    std::cerr << "cannot start PostgreSQL: " << pg.status() << "\n";
    return 1;
  }
  const std::string dsn = (*pg)->Dsn();
  auto exec = mc::process::ServiceProcess::Start(
      MC_EXECUTION_SERVICE_BIN,
      {"serve", "--listen=127.0.0.1:0", "--pg_dsn=" + dsn, "--schema=bench_exec",
       std::string("--auth_tokens=") + kToken, "--log_level=warn"},
      (*pg)->data_dir() + "/execution.log");
  auto control = mc::process::ServiceProcess::Start(
      MC_CONTROL_SERVICE_BIN,
      {"serve", "--listen=127.0.0.1:0", "--pg_dsn=" + dsn, "--schema=bench_ctrl",
       std::string("--auth_tokens=") + kToken, "--log_level=warn", "--noarchiving_scheduler",
       absl::StrCat("--archive_page_size=", page_size)},
      (*pg)->data_dir() + "/control.log");
  if (!exec.ok() || !control.ok()) {
    std::cerr << "cannot start the services\n";
    return 1;
  }
  pqxx::connection conn(dsn);
  Seed(conn, events, retried_per_mille);
  const int64_t logs = Scalar(conn, "SELECT count(*) FROM bench_exec.delivery_logs");
  const int64_t attempts = Scalar(conn, "SELECT count(*) FROM bench_exec.delivery_attempts");
  {
    pqxx::nontransaction tx(conn);
    tx.exec("VACUUM ANALYZE");  // as autovacuum would have by the time a run comes
  }

  auto channel = grpc::CreateChannel(control->address(), grpc::InsecureChannelCredentials());
  auto accounts = pb::AccountService::NewStub(channel);
  auto archiving = pb::ArchivingService::NewStub(channel);
  pb::CreateAccountRequest create;
  create.mutable_account()->set_internal_name("bench");
  create.mutable_account()->set_enabled(true);
  create.mutable_account()->set_endpoint(exec->address());
  create.mutable_account()->set_credential(kToken);
  pb::Account account;
  pb::InitializeConnectionRequest init;
  init.set_internal_name("bench");
  pb::CreateArchivingWorkflowRequest workflow;
  workflow.set_account("bench");
  pb::ArchivingWorkflow created;
  grpc::Status s = accounts->CreateAccount(Ctx().get(), create, &account);
  if (s.ok()) s = accounts->InitializeConnection(Ctx().get(), init, &account);
  if (s.ok()) s = archiving->CreateArchivingWorkflow(Ctx().get(), workflow, &created);
  if (!s.ok()) {
    std::cerr << "setting up the account: " << s.error_message() << "\n";
    return 1;
  }
  std::printf(
      "archive_bench: PostgreSQL fsync=on; %d final events, %lld delivery logs, %lld retried "
      "attempts; pages of %d\n",
      events, static_cast<long long>(logs), static_cast<long long>(attempts), page_size);

  // (a) one archiving run.
  pb::RunNowRequest run_req;
  run_req.set_internal_name("mcSynch_bench");
  pb::ArchiveRun run;
  const absl::Time start = absl::Now();
  s = archiving->RunNow(Ctx().get(), run_req, &run);
  const double run_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (!s.ok() || !run.error().empty()) {
    std::cerr << "run: " << s.error_message() << run.error() << "\n";
    return 1;
  }
  const int64_t rows = run.events_copied() + run.delivery_logs_copied();
  const double a = rows / run_seconds;
  std::printf("(a) archiving run: %lld events + %lld logs in %.2f s: %.0f rows/s (%.0f events/s)\n",
              static_cast<long long>(run.events_copied()),
              static_cast<long long>(run.delivery_logs_copied()), run_seconds, a,
              run.events_copied() / run_seconds);

  // (b) PostgreSQL's ceiling: the same rows, straight across schemas.
  if (absl::Status m = mc::pg::Migrate(dsn, "bench_ceiling", mc::control::Migrations()); !m.ok()) {
    std::cerr << m << "\n";
    return 1;
  }
  const absl::Time b_start = absl::Now();
  {
    pqxx::work tx(conn);
    tx.exec(
        "INSERT INTO bench_ceiling.archived_events (account, remote_id, instance_id, queue, "
        "event_type, channel, address, external_id, status, template_name, template_version, "
        "tries, created_at, routed_at, finished_at, message_id, failure_type, failure_reason, "
        "handed_to_relay_at, retries) SELECT 'bench', e.id, 'x', 1, e.event_type, "
        "e.wished_channel, e.email, coalesce(e.external_id, ''), e.status, '', "
        "coalesce(e.template_version, 0), coalesce(l.tries, e.tries), e.created_at, e.routed_at, "
        "e.updated_at, coalesce(l.message_id, ''), coalesce(l.failure_type, ''), "
        "coalesce(l.failure_reason, ''), l.created_at, coalesce(r.retries, '[]') "
        "FROM bench_exec.rt_events e LEFT JOIN bench_exec.delivery_logs l "
        "ON l.queue = 1 AND l.event_id = e.id LEFT JOIN LATERAL (SELECT "
        "jsonb_agg(jsonb_build_object("
        "'try', a.try_number, 'type', a.failure_type, 'reason', a.reason, 'at', "
        "(extract(epoch FROM a.tried_at) * 1000000)::bigint, 'next', "
        "(extract(epoch FROM a.next_try_at) * 1000000)::bigint) ORDER BY a.try_number) AS retries "
        "FROM bench_exec.delivery_attempts a WHERE e.errors > 0 AND a.queue = 1 "
        "AND a.event_id = e.id) r ON true WHERE e.final_xid IS NOT NULL "
        "ON CONFLICT DO NOTHING");
    tx.exec(
        "INSERT INTO bench_ceiling.archived_delivery_logs (account, remote_id, event_id, "
        "channel, address, status, failure_type, failure_reason, tries, message_id, "
        "template_version, logged_at) SELECT 'bench', id, event_id, channel, address, status, "
        "coalesce(failure_type, ''), coalesce(failure_reason, ''), tries, "
        "coalesce(message_id, ''), coalesce(template_version, 0), created_at "
        "FROM bench_exec.delivery_logs ON CONFLICT DO NOTHING");
    tx.commit();
  }
  const double b_seconds = absl::ToDoubleSeconds(absl::Now() - b_start);
  const double b = (events + logs) / b_seconds;
  std::printf("(b) PostgreSQL INSERT ... SELECT of the same rows: %.2f s: %.0f rows/s\n", b_seconds,
              b);
  std::printf("ratio a/b = %.2f\n", a / b);

  const bool ok = run.events_copied() == events && run.delivery_logs_copied() == logs &&
                  Scalar(conn, "SELECT count(*) FROM bench_ctrl.archived_events") == events &&
                  Scalar(conn,
                         "SELECT coalesce(sum(jsonb_array_length(retries)), 0) FROM "
                         "bench_ctrl.archived_events") == attempts;
  if (!ok) std::printf("COUNT MISMATCH: the archive does not hold every event once\n");
  return ok ? 0 : 1;
}
