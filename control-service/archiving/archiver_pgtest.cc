// Archiver::Run against a real PostgreSQL (the archive, the accounts, the advisory lock) and a
// scripted execution instance (FakeExecutionGateway): the pages a run stores, where its cursor
// moves and what each stream acknowledges, a run cut off part way and the next one resuming,
// and the refusals before copying. The archive store stays the real ArchivingRepository: the
// cursor and the rows move in one statement, which is what these runs rely on.
#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/metrics/metrics.h"
#include "common/pg/advisory_lock.h"
#include "common/pgcluster/temp_postgres.h"
#include "common/testing/shared_postgres.h"
#include "control-service/archiving/archiver.h"
#include "control-service/execution/fake_execution_gateway.h"
#include "control-service/migrations/migrations.h"

namespace mc::control {
namespace {

constexpr char kEndpoint[] = "exec-a:50051";
constexpr char kWorkflow[] = "mcSynch_exec_a";

ArchivedEvent Event(int64_t id, bool with_log) {
  const absl::Time t = absl::FromUnixSeconds(1700000000) + absl::Seconds(id);
  ArchivedEvent e{.id = id,
                  .queue = id % 2 == 0 ? 2 : 1,
                  .event_type = "ORDER_SHIPPED",
                  .channel = 0,
                  .address = absl::StrCat("u", id, "@example.test"),
                  .status = 2,
                  .template_name = "shipTpl",
                  .template_version = 1,
                  .tries = 1,
                  .created = t,
                  .routed = t,
                  .finished = t + absl::Seconds(1)};
  if (with_log) {
    e.log = ArchivedDeliveryLog{.id = 1000 + id,
                                .channel = 0,
                                .address = e.address,
                                .status = 2,
                                .tries = 1,
                                .message_id = absl::StrCat("<m", id, "@mc>"),
                                .template_version = 1,
                                .logged = e.finished};
  }
  return e;
}

// Events 1..n, every other one with a delivery log.
std::vector<ArchivedEvent> Events(int64_t first, int64_t last) {
  std::vector<ArchivedEvent> out;
  for (int64_t id = first; id <= last; ++id) out.push_back(Event(id, id % 2 == 1));
  return out;
}

std::string Text(const ArchiveCursor& c) { return absl::StrCat(c.xid, "/", c.queue, "/", c.id); }

std::string Acknowledged(const FakeExecutionGateway& gateway) {
  std::string out;
  for (const ArchiveCursor& c : gateway.Get(kEndpoint).acknowledged) {
    absl::StrAppend(&out, out.empty() ? "" : " ", Text(c));
  }
  return out;
}

bool Has(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

struct Fixture {
  Fixture()
      : schema(testing::FreshSchema("archiver", Migrations())),
        pool({.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 2}),
        accounts(pool),
        archive(pool),
        control_metrics(metrics.registry()),
        logger("control", log::Level::kError, log_lines),
        archiver(archive, accounts, gateway,
                 {.lock_dsn = testing::SharedPostgresDsn(), .schema = schema, .page_size = 2},
                 control_metrics, logger) {
    REQUIRE(accounts
                .Create({.internal_name = "exec_a",
                         .endpoint = kEndpoint,
                         .credential = "0123456789abcdef"})
                .ok());
    REQUIRE(accounts.SetInstanceId("exec_a", "inst-a").ok());
    REQUIRE(archive.Create("exec_a", 3600).ok());
    gateway.Set(kEndpoint, {.summary = {.instance_id = "inst-a"}});
  }

  int64_t ArchivedCount(const char* table) {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::read_transaction tx(c);
    return tx.exec1(absl::StrCat("SELECT count(*) FROM ", tx.quote_name(schema), ".", table))[0]
        .as<int64_t>();
  }
  ArchiveCursor Cursor() {
    absl::StatusOr<ArchivingWorkflow> w = archive.Get(kWorkflow);
    REQUIRE(w.ok());
    return w->cursor;
  }

  const std::string schema;
  pg::ConnectionPool pool;
  AccountRepository accounts;
  ArchivingRepository archive;
  FakeExecutionGateway gateway;
  metrics::Metrics metrics;
  ControlMetrics control_metrics;
  std::ostringstream log_lines;
  log::Logger logger;
  Archiver archiver;
};

TEST_CASE("a run stores every page, moves the cursor, then copies the quarantine") {
  Fixture f;
  f.gateway.Change(kEndpoint, [](FakeExecutionGateway::Instance& i) {
    i.events = Events(1, 5);
    i.quarantine = {{0, "q1@example.test", "quarantine", "550", absl::FromUnixSeconds(1)},
                    {1, "+33612345678", "deny", "asked", absl::FromUnixSeconds(2)}};
  });
  absl::StatusOr<ArchiveRun> run = f.archiver.Run(kWorkflow, Archiver::RunKind::kOnDemand);
  REQUIRE(run.ok());
  CHECK(run->error.empty());
  CHECK(run->ended.has_value());
  CHECK(run->events_copied == 5);
  CHECK(run->delivery_logs_copied == 3);
  CHECK(run->quarantine_copied == 2);
  // Pages of two: the cursor is the last event's, xid 5 (queue 1, id 5).
  CHECK(Text(f.Cursor()) == "5/1/5");
  // The first stream starts from the beginning; a second one, from the stored cursor, finds
  // nothing new and ends the run (acknowledging everything).
  CHECK(Acknowledged(f.gateway) == "0/0/0 5/1/5");
  CHECK(f.gateway.calls() ==
        std::vector<std::string>{"Export exec_a", "Export exec_a", "ExportQuarantine exec_a"});
  CHECK(f.ArchivedCount("archived_events") == 5);
  CHECK(f.ArchivedCount("archived_delivery_logs") == 3);
  CHECK(f.ArchivedCount("archived_quarantine") == 2);
  const std::string text = f.metrics.Render();
  CHECK(Has(text, "mc_archive_runs_total{account=\"exec_a\"} 1"));
  CHECK(Has(text, "mc_archive_run_errors_total{account=\"exec_a\"} 0"));
  CHECK(Has(text, "mc_archive_rows_total{account=\"exec_a\",kind=\"events\"} 5"));

  SECTION("the next run starts from the stored cursor and copies only what is new") {
    f.gateway.Change(kEndpoint, [](FakeExecutionGateway::Instance& i) {
      for (const ArchivedEvent& e : Events(6, 8)) i.events.push_back(e);
      i.acknowledged.clear();
    });
    run = f.archiver.Run(kWorkflow, Archiver::RunKind::kOnDemand);
    REQUIRE(run.ok());
    CHECK(run->error.empty());
    CHECK(run->events_copied == 3);
    CHECK(run->quarantine_copied == 0);  // the same addresses, unchanged
    CHECK(Text(f.Cursor()) == "8/2/8");
    CHECK(Acknowledged(f.gateway) == "5/1/5 8/2/8");
    CHECK(f.ArchivedCount("archived_events") == 8);
  }
}

TEST_CASE("a stream cut part way keeps the stored pages; the next run resumes after them") {
  Fixture f;
  f.gateway.Change(kEndpoint, [](FakeExecutionGateway::Instance& i) {
    i.events = Events(1, 5);
    i.break_stream_after_pages = 1;
    i.stream_error = absl::UnavailableError("execution instance 'exec_a' is unreachable: gone");
  });
  absl::StatusOr<ArchiveRun> run = f.archiver.Run(kWorkflow, Archiver::RunKind::kOnDemand);
  REQUIRE(run.ok());  // the run is returned, carrying its error
  CHECK(run->error == "execution instance 'exec_a' is unreachable: gone");
  CHECK(run->events_copied == 2);
  CHECK(Text(f.Cursor()) == "2/2/2");
  CHECK(f.gateway.calls() == std::vector<std::string>{"Export exec_a"});  // no quarantine
  CHECK(Has(f.metrics.Render(), "mc_archive_run_errors_total{account=\"exec_a\"} 1"));

  f.gateway.Change(kEndpoint, [](FakeExecutionGateway::Instance& i) {
    i.break_stream_after_pages = -1;
    i.acknowledged.clear();
  });
  run = f.archiver.Run(kWorkflow, Archiver::RunKind::kOnDemand);
  REQUIRE(run.ok());
  CHECK(run->error.empty());
  CHECK(run->events_copied == 3);
  CHECK(Acknowledged(f.gateway) == "2/2/2 5/1/5");
  CHECK(f.ArchivedCount("archived_events") == 5);  // exactly what one clean run leaves
  absl::StatusOr<std::vector<ArchiveRun>> runs = f.archive.ListRuns(kWorkflow, 10);
  REQUIRE(runs.ok());
  REQUIRE(runs->size() == 2);
  CHECK((*runs)[1].error == "execution instance 'exec_a' is unreachable: gone");
  CHECK((*runs)[0].error.empty());
}

TEST_CASE("an instance carrying another identifier: nothing is stored, the cursor stays") {
  Fixture f;
  f.gateway.Change(kEndpoint, [](FakeExecutionGateway::Instance& i) {
    i.events = Events(1, 3);
    i.summary.instance_id = "inst-b";
  });
  absl::StatusOr<ArchiveRun> run = f.archiver.Run(kWorkflow, Archiver::RunKind::kOnDemand);
  REQUIRE(run.ok());
  CHECK(run->error ==
        "the instance at exec-a:50051 carries identifier 'inst-b', not 'inst-a': the account "
        "points at another instance");
  CHECK(run->events_copied == 0);
  CHECK(Text(f.Cursor()) == "0/0/0");
  CHECK(f.ArchivedCount("archived_events") == 0);
}

TEST_CASE("an unreachable instance: the run records the gateway's error") {
  Fixture f;
  f.gateway.Change(kEndpoint, [](FakeExecutionGateway::Instance& i) {
    i.down = absl::UnavailableError("execution instance 'exec_a' at exec-a:50051 is unreachable");
  });
  absl::StatusOr<ArchiveRun> run = f.archiver.Run(kWorkflow, Archiver::RunKind::kOnDemand);
  REQUIRE(run.ok());
  CHECK(run->error == "execution instance 'exec_a' at exec-a:50051 is unreachable");
  CHECK(run->events_copied == 0);
}

TEST_CASE("after StopBy's deadline a run stops at its next page boundary with CANCELLED") {
  Fixture f;
  f.gateway.Change(kEndpoint, [](FakeExecutionGateway::Instance& i) { i.events = Events(1, 5); });
  f.archiver.StopBy(absl::Now() - absl::Seconds(1));
  absl::StatusOr<ArchiveRun> run = f.archiver.Run(kWorkflow, Archiver::RunKind::kOnDemand);
  REQUIRE(run.ok());
  CHECK(run->error ==
        "the control instance is shutting down; the next run resumes from the last stored page");
  CHECK(run->events_copied == 2);  // the page in hand is stored
  CHECK(Text(f.Cursor()) == "2/2/2");
}

TEST_CASE("a run whose lock's session is lost stops at its next page, keeping what it stored") {
  // The lock on a server of its own, killed part way: what a failover does to the lock's
  // session (the new primary never had the lock, so another replica may take it).
  auto lock_server = pgcluster::TempPostgres::Start({});
  REQUIRE(lock_server.ok());
  Fixture f;
  Archiver archiver(f.archive, f.accounts, f.gateway,
                    {.lock_dsn = (*lock_server)->Dsn(), .schema = f.schema, .page_size = 2},
                    f.control_metrics, f.logger);
  f.gateway.Change(kEndpoint, [&](FakeExecutionGateway::Instance& i) {
    i.events = Events(1, 5);
    i.hook_after_pages = 1;
    i.hook = [&] { REQUIRE((*lock_server)->Kill().ok()); };
  });
  absl::StatusOr<ArchiveRun> run = archiver.Run(kWorkflow, Archiver::RunKind::kOnDemand);
  REQUIRE(run.ok());
  CHECK(run->error.find("the lock's PostgreSQL session was lost") == 0);
  CHECK(run->events_copied == 2);  // the first page, stored before the loss
  CHECK(Text(f.Cursor()) == "2/2/2");
  CHECK(f.ArchivedCount("archived_events") == 2);
}

TEST_CASE("refusals before copying") {
  Fixture f;
  f.gateway.Change(kEndpoint, [](FakeExecutionGateway::Instance& i) { i.events = Events(1, 2); });

  SECTION("an unknown workflow") {
    CHECK(f.archiver.Run("mcSynch_nope", Archiver::RunKind::kOnDemand).status().code() ==
          absl::StatusCode::kNotFound);
  }
  SECTION("a stopped workflow") {
    REQUIRE(f.archive.SetState(kWorkflow, ArchivingState::kStopped).ok());
    absl::StatusOr<ArchiveRun> run = f.archiver.Run(kWorkflow, Archiver::RunKind::kOnDemand);
    CHECK(run.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK(run.status().message() == "mcSynch_exec_a is stopped: start it before running it");
  }
  SECTION("a scheduled run of a paused workflow is no longer due") {
    REQUIRE(f.archive.SetState(kWorkflow, ArchivingState::kPaused).ok());
    absl::StatusOr<ArchiveRun> run = f.archiver.Run(kWorkflow, Archiver::RunKind::kScheduled);
    CHECK(run.status().code() == absl::StatusCode::kAborted);
    CHECK(run.status().message() == "mcSynch_exec_a is no longer due");
    // On demand, a paused workflow runs.
    run = f.archiver.Run(kWorkflow, Archiver::RunKind::kOnDemand);
    REQUIRE(run.ok());
    CHECK(run->events_copied == 2);
  }
  SECTION("an account not initialized: a failed run is recorded") {
    REQUIRE(f.accounts.SetInstanceId("exec_a", "").ok());
    absl::StatusOr<ArchiveRun> run = f.archiver.Run(kWorkflow, Archiver::RunKind::kOnDemand);
    CHECK(run.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK(run.status().message() ==
          "mcSynch_exec_a: account 'exec_a' is not initialized (run Initialize connection)");
    absl::StatusOr<std::vector<ArchiveRun>> runs = f.archive.ListRuns(kWorkflow, 10);
    REQUIRE(runs.ok());
    REQUIRE(runs->size() == 1);
    CHECK((*runs)[0].error == run.status().message());
    CHECK(f.gateway.calls().empty());
    CHECK(Has(f.metrics.Render(), "mc_archive_run_errors_total{account=\"exec_a\"} 1"));
  }
  SECTION("another replica running the workflow") {
    absl::StatusOr<std::unique_ptr<pg::AdvisoryLock>> held = pg::AdvisoryLock::TryAcquire(
        testing::SharedPostgresDsn(), absl::StrCat(f.schema, ".", kWorkflow));
    REQUIRE(held.ok());
    absl::StatusOr<ArchiveRun> run = f.archiver.Run(kWorkflow, Archiver::RunKind::kOnDemand);
    CHECK(run.status().code() == absl::StatusCode::kAborted);
    CHECK(run.status().message() == "mcSynch_exec_a is running on another replica");
    CHECK(f.gateway.calls().empty());
  }
}

}  // namespace
}  // namespace mc::control
