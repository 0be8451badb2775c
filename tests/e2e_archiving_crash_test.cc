// End to end: archiving runs cut off in the middle, by a SIGKILL of the execution instance
// during its export and, separately, of the control instance, then run again: the archive ends
// exactly as one clean run leaves it (compared row for row with the instance's own tables).
#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/testing/shared_postgres.h"
#include "messagecenter/v1/instance.grpc.pb.h"
#include "tests/support/archive_check.h"
#include "tests/support/control_client.h"
#include "tests/support/e2e_cluster.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;
namespace pb = messagecenter::control::v1;

constexpr int kEvents = 6000;

// Final events straight into the instance's tables (the workflows are not the point here):
// a mix of statuses, a delivery log for those that reached delivery.
void SeedFinalEvents(const std::string& schema) {
  pqxx::connection c(testing::SharedPostgresDsn());
  // One transaction per chunk, as the workflows would make them.
  for (int chunk = 0; chunk < kEvents; chunk += 1000) {
    pqxx::work tx(c);
    tx.exec("SET LOCAL search_path TO " + schema);
    tx.exec(absl::StrCat(
        "WITH ev AS (INSERT INTO rt_events (id, event_type, email, status, final_xid, tries) "
        "SELECT nextval('event_id_seq'), 'T' || (g % 3), 'u' || g || '@x.test', "
        "(ARRAY[2, 3, 4, 5, 6])[1 + g % 5], pg_current_xact_id(), 1 "
        "FROM generate_series(",
        chunk, ", ", chunk + 999,
        ") g RETURNING id, email, status) "
        "INSERT INTO delivery_logs (queue, event_id, channel, address, status, tries) "
        "SELECT 1, id, 0, email, status, 1 FROM ev WHERE status IN (2, 3, 4)"));
    tx.commit();
  }
  pqxx::work tx(c);
  tx.exec("SET LOCAL search_path TO " + schema);
  tx.exec("INSERT INTO quarantine (channel, address, reason) VALUES (0, 'q@x.test', 'hard')");
  tx.commit();
}

int64_t Archived(const std::string& control_schema, const std::string& account);

// After a SIGKILL of the control, PostgreSQL may still be committing the page it was sent:
// wait until the count holds still.
int64_t ArchivedAfterKill(const std::string& control_schema, const std::string& account) {
  int64_t last = -1, now = Archived(control_schema, account);
  while (now != last) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    last = now;
    now = Archived(control_schema, account);
  }
  return now;
}

int64_t Archived(const std::string& control_schema, const std::string& account) {
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::read_transaction tx(c);
  return tx
      .exec1(absl::StrCat("SELECT count(*) FROM ", control_schema,
                          ".archived_events WHERE account = '", account, "'"))[0]
      .as<int64_t>();
}

void WaitArchivedAtLeast(const std::string& control_schema, const std::string& account, int64_t n) {
  for (int i = 0; i < 4000 && Archived(control_schema, account) < n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void ExpectExactArchive(const std::string& control_schema, const std::string& account,
                        const std::string& exec_schema) {
  ArchiveDiff d =
      CompareArchive(testing::SharedPostgresDsn(), control_schema, account, exec_schema);
  CHECK(d.source_events == kEvents);
  CHECK(d.archived_events == kEvents);
  CHECK(d.event_mismatches == 0);
  CHECK(d.archived_logs == d.source_logs);
  CHECK(d.log_mismatches == 0);
  CHECK(d.archived_quarantine == 1);
  CHECK(d.quarantine_mismatches == 0);
}

void Register(ControlClient& control, const std::string& account, const std::string& address) {
  control.CreateAccount(account, address, kToken);
  REQUIRE(control.InitializeConnection(account).ok());
  REQUIRE(control.CreateArchivingWorkflow(account).ok());
}

void UpdateEndpoint(ControlClient& control, const std::string& account,
                    const std::string& address) {
  pb::GetAccountRequest get;
  get.set_internal_name(account);
  pb::UpdateAccountRequest update;
  REQUIRE(control.accounts().GetAccount(Context().get(), get, update.mutable_account()).ok());
  update.mutable_account()->set_endpoint(address);
  pb::Account updated;
  REQUIRE(control.accounts().UpdateAccount(Context().get(), update, &updated).ok());
}

TEST_CASE("execution instance killed during the export, then the run again: exact archive") {
  const std::string dsn = testing::SharedPostgresDsn();
  const std::string exec_schema = testing::FreshSchema("exec_cut");
  const std::string control_schema = testing::FreshSchema("control_cut");
  auto exec = std::make_unique<process::ServiceProcess>(StartExecution(dsn, exec_schema));
  SeedFinalEvents(exec_schema);
  process::ServiceProcess control =
      StartControl(dsn, control_schema, {"--noarchiving_scheduler", "--archive_page_size=10"});
  ControlClient client(control.address());
  Register(client, "cut", exec->address());

  std::atomic<bool> done = false;
  grpc::Status first_status;
  pb::ArchiveRun first;
  std::thread run([&] {
    pb::RunNowRequest req;
    req.set_internal_name("mcSynch_cut");
    first_status = client.archiving().RunNow(Context().get(), req, &first);
    done = true;
  });
  WaitArchivedAtLeast(control_schema, "cut", 200);
  exec->process().Signal(SIGKILL);
  exec->process().Wait();
  run.join();
  const int64_t partial = Archived(control_schema, "cut");
  INFO("archived before the kill: " << partial);
  CHECK(partial < kEvents);
  REQUIRE(first_status.ok());
  CHECK(first.error().find("unreachable") != std::string::npos);
  CHECK(first.events_copied() == partial);

  exec = std::make_unique<process::ServiceProcess>(StartExecution(dsn, exec_schema));
  UpdateEndpoint(client, "cut", exec->address());
  pb::ArchiveRun second = client.RunNow("mcSynch_cut");
  CHECK(second.error().empty());
  CHECK(second.events_copied() == kEvents - partial);
  ExpectExactArchive(control_schema, "cut", exec_schema);
}

TEST_CASE("control instance killed during a run, then the run again: exact archive") {
  const std::string dsn = testing::SharedPostgresDsn();
  const std::string exec_schema = testing::FreshSchema("exec_ctl");
  const std::string control_schema = testing::FreshSchema("control_ctl");
  process::ServiceProcess exec = StartExecution(dsn, exec_schema);
  SeedFinalEvents(exec_schema);
  auto control = std::make_unique<process::ServiceProcess>(
      StartControl(dsn, control_schema, {"--noarchiving_scheduler", "--archive_page_size=10"}));
  auto client = std::make_unique<ControlClient>(control->address());
  Register(*client, "ctl", exec.address());

  std::thread run([&] {
    pb::RunNowRequest req;
    req.set_internal_name("mcSynch_ctl");
    pb::ArchiveRun ignored;
    (void)client->archiving().RunNow(Context().get(), req, &ignored);
  });
  WaitArchivedAtLeast(control_schema, "ctl", 200);
  control->process().Signal(SIGKILL);
  control->process().Wait();
  run.join();
  const int64_t partial = ArchivedAfterKill(control_schema, "ctl");
  INFO("archived before the kill: " << partial);
  CHECK(partial < kEvents);

  control = std::make_unique<process::ServiceProcess>(
      StartControl(dsn, control_schema, {"--noarchiving_scheduler"}));
  client = std::make_unique<ControlClient>(control->address());
  pb::ArchiveRun second = client->RunNow("mcSynch_ctl");
  CHECK(second.error().empty());
  CHECK(second.events_copied() == kEvents - partial);
  ExpectExactArchive(control_schema, "ctl", exec_schema);

  pb::ListRunsRequest runs_req;
  runs_req.set_internal_name("mcSynch_ctl");
  pb::ListRunsResponse runs;
  REQUIRE(client->archiving().ListRuns(Context().get(), runs_req, &runs).ok());
  REQUIRE(runs.runs_size() == 2);
  CHECK(runs.runs(1).error().find("interrupted") != std::string::npos);
  CHECK(runs.runs(1).has_ended());
}

TEST_CASE("a second control replica never runs a workflow another one is running") {
  const std::string dsn = testing::SharedPostgresDsn();
  const std::string exec_schema = testing::FreshSchema("exec_two");
  const std::string control_schema = testing::FreshSchema("control_two");
  process::ServiceProcess exec = StartExecution(dsn, exec_schema);
  SeedFinalEvents(exec_schema);
  // One event per page: the first replica's run lasts seconds.
  process::ServiceProcess one =
      StartControl(dsn, control_schema, {"--noarchiving_scheduler", "--archive_page_size=1"});
  process::ServiceProcess two = StartControl(dsn, control_schema, {"--noarchiving_scheduler"});
  ControlClient first(one.address()), second(two.address());
  Register(first, "two", exec.address());

  std::thread run([&] { first.RunNow("mcSynch_two"); });
  WaitArchivedAtLeast(control_schema, "two", 100);
  pb::RunNowRequest req;
  req.set_internal_name("mcSynch_two");
  pb::ArchiveRun ignored;
  grpc::Status busy = second.archiving().RunNow(Context().get(), req, &ignored);
  run.join();
  CHECK(busy.error_code() == grpc::StatusCode::ABORTED);
  CHECK(busy.error_message() == "mcSynch_two is running on another replica");
  ExpectExactArchive(control_schema, "two", exec_schema);
}

TEST_CASE("an account pointed at another instance archives and acknowledges nothing there") {
  const std::string dsn = testing::SharedPostgresDsn();
  const std::string control_schema = testing::FreshSchema("control_moved");
  const std::string schema_x = testing::FreshSchema("exec_x"),
                    schema_y = testing::FreshSchema("exec_y");
  process::ServiceProcess x = StartExecution(dsn, schema_x), y = StartExecution(dsn, schema_y);
  SeedFinalEvents(schema_y);
  process::ServiceProcess control = StartControl(dsn, control_schema, {"--noarchiving_scheduler"});
  ControlClient client(control.address());
  Register(client, "x", x.address());
  Register(client, "y", y.address());
  UpdateEndpoint(client, "x", y.address());  // a mistake: x now points at y's instance
  pb::ArchiveRun run = client.RunNow("mcSynch_x");
  CHECK(run.events_copied() == 0);
  CHECK(run.error().find("the account points at another instance") != std::string::npos);
  CHECK(Archived(control_schema, "x") == 0);
  pqxx::connection c(dsn);
  pqxx::read_transaction tx(c);
  CHECK(tx.exec1("SELECT xid::text FROM " + schema_y + ".archive_ack")[0].as<std::string>() == "0");
}

TEST_CASE("the scheduler runs started archiving workflows, never paused ones") {
  const std::string dsn = testing::SharedPostgresDsn();
  const std::string exec_schema = testing::FreshSchema("exec_sched");
  const std::string control_schema = testing::FreshSchema("control_sched");
  process::ServiceProcess exec = StartExecution(dsn, exec_schema);
  SeedFinalEvents(exec_schema);
  process::ServiceProcess control = StartControl(dsn, control_schema, {"--archiving_poll_ms=100"});
  ControlClient client(control.address());
  Register(client, "sched", exec.address());  // created started: its first run is due at once
  WaitArchivedAtLeast(control_schema, "sched", kEvents);
  ExpectExactArchive(control_schema, "sched", exec_schema);

  pb::ChangeArchivingWorkflowRequest change;
  change.set_internal_name("mcSynch_sched");
  pb::ArchivingWorkflow w;
  grpc::Status paused = client.archiving().PauseArchivingWorkflow(Context().get(), change, &w);
  INFO(paused.error_message());
  REQUIRE(paused.ok());
  CHECK(w.state() == pb::ARCHIVING_STATE_PAUSED);
  pb::SetScheduleRequest schedule;
  schedule.set_internal_name("mcSynch_sched");
  schedule.set_schedule_seconds(1);
  REQUIRE(client.archiving().SetSchedule(Context().get(), schedule, &w).ok());
  CHECK(w.schedule_seconds() == 1);
  {
    pqxx::connection c(dsn);
    pqxx::work tx(c);
    tx.exec(absl::StrCat("INSERT INTO ", exec_schema,
                         ".rt_events (id, event_type, email, status, final_xid) VALUES "
                         "(nextval('",
                         exec_schema,
                         ".event_id_seq'), 'T', 'late@x.test', 5, pg_current_xact_id())"));
    tx.commit();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  CHECK(Archived(control_schema, "sched") == kEvents);  // paused: no run
  REQUIRE(client.archiving().StartArchivingWorkflow(Context().get(), change, &w).ok());
  WaitArchivedAtLeast(control_schema, "sched", kEvents + 1);
  CHECK(Archived(control_schema, "sched") == kEvents + 1);
}

}  // namespace
}  // namespace mc::e2e
