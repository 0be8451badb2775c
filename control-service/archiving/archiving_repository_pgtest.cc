// The archived quarantine against a real PostgreSQL: addresses are stored as their keys (an
// email's domain in lower case), from any execution instance, and rows archived before are
// turned into keys by the schema's migration.
// The archive's pages and runs: a page moves the cursor forward only and skips rows archived
// before, each event keeping its story (migration 0006) once; a run left open is closed by the
// next.
#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/shared_postgres.h"
#include "control-service/accounts/account_repository.h"
#include "control-service/archiving/archiving_repository.h"
#include "control-service/migrations/migrations.h"

namespace mc::control {
namespace {

void Exec(const std::string& schema, const std::string& sql) {
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::work tx(c);
  tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
  tx.exec(sql);
  tx.commit();
}

// Every archived address of the schema, "account channel address kind reason", in C order.
std::string Archived(const std::string& schema) {
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::work tx(c);
  tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
  return tx
      .exec1(
          "SELECT coalesce(string_agg(concat_ws(' ', account, channel, address, kind, reason), "
          "', ' ORDER BY account, channel, address COLLATE \"C\"), '') FROM archived_quarantine")[0]
      .as<std::string>();
}

TEST_CASE("archived addresses are stored as their keys") {
  const std::string schema = testing::FreshSchema("archived_keys", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 1}};
  ArchivingRepository archive(pool);
  const absl::Time t = absl::FromUnixSeconds(1700000000);
  // As an execution instance whose own rows are not keys yet would export them.
  REQUIRE(archive
              .StoreQuarantine(0, "exec_a",
                               {{0, "x@Example.TEST", "quarantine", "550", t},
                                {0, "x@example.test", "deny", "asked", t - absl::Hours(1)},
                                {0, "X@example.test", "quarantine", "551", t},
                                {1, "+33 6 12 34 56 78", "quarantine", "refused", t},
                                {41, "Tok", "quarantine", "gone", t}})
              .ok());
  CHECK(Archived(schema) ==
        "exec_a 0 X@example.test quarantine 551, exec_a 0 x@example.test deny asked, "
        "exec_a 1 +33612345678 quarantine refused, exec_a 41 Tok quarantine gone");
  // The same address again, in another case: the one archived row is updated.
  REQUIRE(
      archive.StoreQuarantine(0, "exec_a", {{0, "x@EXAMPLE.test", "quarantine", "552", t}}).ok());
  CHECK(Archived(schema) ==
        "exec_a 0 X@example.test quarantine 551, exec_a 0 x@example.test quarantine 552, "
        "exec_a 1 +33612345678 quarantine refused, exec_a 41 Tok quarantine gone");
}

TEST_CASE("the migration turns rows archived before into keys, keeping deny rows") {
  const std::vector<pg::Migration>& all = Migrations();
  std::vector<pg::Migration> before;
  for (const pg::Migration& m : all) {  // every migration before the one under test
    if (m.name == "archived_address_keys") break;
    before.push_back(m);
  }
  const std::string schema = testing::FreshSchema("archived_keys_mig", before);
  Exec(schema,
       "INSERT INTO archived_quarantine (account, channel, address, kind, reason, created_at, "
       "archived_at) VALUES "
       "('a', 0, 'q@X.TEST', 'deny', 'd', now(), '2024-01-01'), "
       "('a', 0, 'q@x.test', 'quarantine', 'q', now(), '2024-02-01'), "
       "('a', 0, 'r@Y.TEST', 'quarantine', 'old', now(), '2024-01-01'), "
       "('a', 0, 'r@y.test', 'quarantine', 'new', now(), '2024-02-01'), "
       "('b', 0, 'q@X.TEST', 'quarantine', 'other account', now(), '2024-01-01'), "
       "('b', 1, '+33 6 12 34 56 78', 'deny', 'p', now(), '2024-01-01')");
  REQUIRE(pg::Migrate(testing::SharedPostgresDsn(), schema, all).ok());
  CHECK(Archived(schema) ==
        "a 0 q@x.test deny d, a 0 r@y.test quarantine new, b 0 q@x.test quarantine other account, "
        "b 1 +33612345678 deny p");
}

ArchivedEvent Final(int64_t id, bool with_log) {
  const absl::Time t = absl::FromUnixSeconds(1700000000) + absl::Seconds(id);
  ArchivedEvent e{.id = id,
                  .queue = 1,
                  .event_type = "ORDER_SHIPPED",
                  .address = absl::StrCat("u", id, "@example.test"),
                  .status = 2,
                  .created = t,
                  .finished = t};
  if (with_log) e.log = ArchivedDeliveryLog{.id = 100 + id, .status = 2, .logged = t};
  return e;
}

std::string CursorOf(ArchivingRepository& archive, const std::string& workflow) {
  absl::StatusOr<ArchivingWorkflow> w = archive.Get(workflow);
  REQUIRE(w.ok());
  return absl::StrCat(w->cursor.xid, "/", w->cursor.queue, "/", w->cursor.id);
}

TEST_CASE("a stored page moves the cursor forward only, and skips rows archived before") {
  const std::string schema = testing::FreshSchema("archive_pages", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 1}};
  AccountRepository accounts(pool);
  ArchivingRepository archive(pool);
  REQUIRE(accounts.Create({.internal_name = "exec_a", .endpoint = "a:1", .credential = "x"}).ok());
  REQUIRE(archive.Create("exec_a", 3600).ok());
  const std::string workflow = ArchivingWorkflowName("exec_a");
  absl::StatusOr<int64_t> run = archive.StartRun(workflow);
  REQUIRE(run.ok());
  const ArchivePage first{.instance_id = "inst-a",
                          .events = {Final(1, true), Final(2, false)},
                          .next = {.xid = 10, .queue = 1, .id = 2}};
  absl::StatusOr<CopiedRows> copied = archive.StorePage(workflow, *run, "exec_a", first);
  REQUIRE(copied.ok());
  CHECK(copied->events == 2);
  CHECK(copied->delivery_logs == 1);
  CHECK(CursorOf(archive, workflow) == "10/1/2");
  // The same page again (a run cut off after storing it): nothing twice.
  copied = archive.StorePage(workflow, *run, "exec_a", first);
  REQUIRE(copied.ok());
  CHECK(copied->events == 0);
  CHECK(copied->delivery_logs == 0);
  // A page carrying an older cursor stores its new rows and leaves the cursor where it was.
  copied = archive.StorePage(workflow, *run, "exec_a",
                             {.instance_id = "inst-a",
                              .events = {Final(3, true)},
                              .next = {.xid = 9, .queue = 2, .id = 3}});
  REQUIRE(copied.ok());
  CHECK(copied->events == 1);
  CHECK(CursorOf(archive, workflow) == "10/1/2");
  absl::StatusOr<ArchiveRun> finished = archive.FinishRun(*run, "");
  REQUIRE(finished.ok());
  CHECK(finished->events_copied == 3);
  CHECK(finished->delivery_logs_copied == 2);
  CHECK(finished->ended.has_value());
}

// An event exported again after a late change (a hard bounce: Sent became Delivery failed, a new
// final_xid past the cursor) updates its archived row and log, and is counted as copied; the
// same page again changes nothing, so a rerun leaves what one clean run leaves.
TEST_CASE("a late change of an archived event updates it, once") {
  const std::string schema = testing::FreshSchema("archive_late", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 1}};
  AccountRepository accounts(pool);
  ArchivingRepository archive(pool);
  REQUIRE(accounts.Create({.internal_name = "exec_a", .endpoint = "a:1", .credential = "x"}).ok());
  REQUIRE(archive.Create("exec_a", 3600).ok());
  const std::string workflow = ArchivingWorkflowName("exec_a");
  absl::StatusOr<int64_t> run = archive.StartRun(workflow);
  REQUIRE(run.ok());
  REQUIRE(archive
              .StorePage(workflow, *run, "exec_a",
                         {.instance_id = "inst-a",
                          .events = {Final(1, true), Final(2, true)},
                          .next = {.xid = 10, .queue = 1, .id = 2}})
              .ok());
  ArchivedEvent bounced = Final(1, true);
  bounced.status = 4;
  bounced.finished += absl::Hours(1);
  bounced.log->status = 4;
  bounced.log->failure_type = "hard";
  bounced.log->failure_reason = "5.1.1 user unknown";
  bounced.retries = {{.kind = 1,
                      .try_number = 1,
                      .failure_type = "hard",
                      .reason = "5.1.1 user unknown",
                      .at = bounced.finished}};
  const ArchivePage late{
      .instance_id = "inst-a", .events = {bounced}, .next = {.xid = 20, .queue = 1, .id = 1}};
  for (int pass = 0; pass < 2; ++pass) {
    INFO("pass " << pass);
    absl::StatusOr<CopiedRows> copied = archive.StorePage(workflow, *run, "exec_a", late);
    REQUIRE(copied.ok());
    CHECK(copied->events == (pass == 0 ? 1 : 0));
    CHECK(copied->delivery_logs == (pass == 0 ? 1 : 0));
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::work tx(c);
    tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
    CHECK(tx.exec1("SELECT string_agg(concat_ws(' ', e.remote_id, e.status, e.failure_type, "
                   "e.failure_reason, l.status, l.failure_type), ', ' ORDER BY e.remote_id) "
                   "FROM archived_events e JOIN archived_delivery_logs l ON l.account = "
                   "e.account AND l.event_id = e.remote_id")[0]
              .as<std::string>() == "1 4 hard 5.1.1 user unknown 4 hard, 2 2   2 ");
    CHECK(tx.exec1("SELECT count(*) FROM archived_events")[0].as<int>() == 2);
  }
  CHECK(CursorOf(archive, workflow) == "20/1/1");
}

// "account remote_id message_id failure_type failure_reason relayed_us retries" of each
// archived event, by id (empty texts left out, "-" when the relay never answered).
std::vector<std::string> Stories(const std::string& schema) {
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::work tx(c);
  tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
  std::vector<std::string> out;
  for (const auto& r :
       tx.exec("SELECT concat_ws(' ', account, remote_id, nullif(message_id, ''), "
               "nullif(failure_type, ''), nullif(failure_reason, ''), "
               "coalesce((extract(epoch FROM handed_to_relay_at) * 1000000)::bigint::text, '-'), "
               "retries::text) FROM archived_events ORDER BY account, remote_id")) {
    out.push_back(r[0].as<std::string>());
  }
  return out;
}

TEST_CASE("each archived event keeps its story, once, whatever the reruns") {
  const std::string schema = testing::FreshSchema("archive_story", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 1}};
  ArchivingRepository archive(pool);
  const absl::Time t = absl::FromUnixSeconds(1700000000);
  // Sent at its third try after two soft failures; refused for good; never delivered.
  ArchivedEvent sent = Final(1, true);
  sent.log->message_id = "<m1@mc.test>";
  sent.log->logged = t + absl::Seconds(9);
  sent.message_id = "<m1@mc.test>";
  sent.retries = {{.try_number = 1,
                   .failure_type = "soft",
                   .reason = "451 busy",
                   .at = t + absl::Seconds(2),
                   .next_try = t + absl::Seconds(4)},
                  {.try_number = 2,
                   .failure_type = "soft",
                   .reason = "451 still busy",
                   .at = t + absl::Seconds(5),
                   .next_try = std::nullopt}};
  ArchivedEvent failed = Final(2, true);
  failed.log->status = 4;
  failed.log->failure_type = "hard";
  failed.log->failure_reason = "550 no such user";
  failed.log->message_id = "<m2@mc.test>";
  failed.message_id = "";  // an instance before message_id: the log's is kept
  const ArchivedEvent never = Final(3, false);
  const ArchivePage page{.instance_id = "inst-a", .events = {sent, failed, never}};
  for (int run = 0; run < 2; ++run) {  // the second is a rerun of the same page
    INFO("run " << run);
    absl::StatusOr<CopiedRows> copied = archive.StorePage("mcSynch_exec_a", 0, "exec_a", page);
    REQUIRE(copied.ok());
    CHECK(copied->events == (run == 0 ? 3 : 0));
    CHECK(Stories(schema) ==
          std::vector<std::string>{
              absl::StrCat(
                  "exec_a 1 <m1@mc.test> soft 451 still busy ",
                  absl::ToUnixMicros(t + absl::Seconds(9)),
                  R"( [{"at": 1700000002000000, "try": 1, "kind": 0, "next": 1700000004000000, )"
                  R"("type": "soft", "reason": "451 busy"}, {"at": 1700000005000000, )"
                  R"("try": 2, "kind": 0, "next": null, "type": "soft", "reason": )"
                  R"("451 still busy"}])"),
              absl::StrCat("exec_a 2 <m2@mc.test> hard 550 no such user ",
                           absl::ToUnixMicros(t + absl::Seconds(2)), " []"),
              "exec_a 3 - []"});
  }
}

TEST_CASE("the story's migration fills rows archived before from their delivery logs") {
  const std::vector<pg::Migration>& all = Migrations();
  std::vector<pg::Migration> before;
  for (const pg::Migration& m : all) {
    if (m.name == "archived_story") break;
    before.push_back(m);
  }
  const std::string schema = testing::FreshSchema("archive_story_mig", before);
  Exec(schema,
       "INSERT INTO archived_events (account, remote_id, instance_id, queue, event_type, channel, "
       "status, created_at, finished_at) VALUES "
       "('a', 1, 'i', 1, 'T', 0, 4, '2024-01-01', '2024-01-01'), "
       "('a', 2, 'i', 1, 'T', 0, 5, '2024-01-01', '2024-01-01'); "
       "INSERT INTO archived_delivery_logs (account, remote_id, event_id, channel, address, "
       "status, failure_type, failure_reason, message_id, logged_at) VALUES "
       "('a', 10, 1, 0, 'x@y.test', 4, 'hard', '550', '<a1@t>', '2024-01-01 00:00:01+00')");
  REQUIRE(pg::Migrate(testing::SharedPostgresDsn(), schema, all).ok());
  CHECK(Stories(schema) ==
        std::vector<std::string>{"a 1 <a1@t> hard 550 1704067201000000 []", "a 2 - []"});
}

TEST_CASE("a run left open by a replica that died is closed when the next one starts") {
  const std::string schema = testing::FreshSchema("archive_runs", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 1}};
  AccountRepository accounts(pool);
  ArchivingRepository archive(pool);
  REQUIRE(accounts.Create({.internal_name = "exec_a", .endpoint = "a:1", .credential = "x"}).ok());
  REQUIRE(archive.Create("exec_a", 3600).ok());
  const std::string workflow = ArchivingWorkflowName("exec_a");
  absl::StatusOr<std::vector<std::string>> due = archive.Due();
  REQUIRE(due.ok());
  CHECK(*due == std::vector<std::string>{workflow});  // a new workflow is due at once
  absl::StatusOr<int64_t> orphan = archive.StartRun(workflow);
  REQUIRE(orphan.ok());
  absl::StatusOr<int64_t> next = archive.StartRun(workflow);
  REQUIRE(next.ok());
  REQUIRE(archive.FinishRun(*next, "").ok());
  absl::StatusOr<std::vector<ArchiveRun>> runs = archive.ListRuns(workflow, 10);
  REQUIRE(runs.ok());
  REQUIRE(runs->size() == 2);
  CHECK((*runs)[0].id == *next);
  CHECK((*runs)[0].error.empty());
  CHECK((*runs)[1].id == *orphan);
  CHECK((*runs)[1].ended.has_value());
  CHECK((*runs)[1].error == "interrupted: the replica running it stopped");
  // A finished run schedules the next one a schedule later.
  due = archive.Due();
  REQUIRE(due.ok());
  CHECK(due->empty());
}

}  // namespace
}  // namespace mc::control
