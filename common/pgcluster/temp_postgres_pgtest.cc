#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "common/pgcluster/temp_postgres.h"
#include "common/process/process_table.h"

namespace mc::pgcluster {
namespace {

std::unique_ptr<TempPostgres> StartOrFail(TempPostgresOptions options) {
  auto pg = TempPostgres::Start(options);
  if (!pg.ok()) FAIL("cannot start PostgreSQL: " << pg.status().ToString());
  return std::move(*pg);
}

TEST_CASE("the server runs with the queue settings, as written") {
  // durable: the settings the benchmarks measure with (fsync and full-page writes on).
  auto pg = StartOrFail({.durable = true});
  pqxx::connection c(pg->Dsn());
  pqxx::nontransaction tx(c);
  REQUIRE(QueueSettings().size() >= 9);
  for (const std::string setting : QueueSettings()) {
    const std::string name = setting.substr(0, setting.find('='));
    // SHOW prints the value in its canonical form: the value written must be that form, which
    // the deploy check compares as text.
    CHECK(name + "=" + tx.exec("SHOW " + tx.quote_name(name))[0][0].as<std::string>() == setting);
  }
}

TEST_CASE("min_wal_size allocates nothing: a new cluster's WAL stays a few segments") {
  auto pg = StartOrFail({});
  pqxx::connection c(pg->Dsn());
  pqxx::nontransaction tx(c);
  tx.exec("CREATE TABLE t AS SELECT g AS n FROM generate_series(1, 10000) g");
  tx.exec("CHECKPOINT");
  const auto bytes = tx.exec("SELECT sum(size) FROM pg_ls_waldir()")[0][0].as<int64_t>();
  INFO("pg_wal holds " << bytes << " bytes");
  CHECK(bytes <= 4 * 16 * 1024 * 1024);
}

TEST_CASE("a synchronous standby holds every commit; promoted, it takes writes on the DSN") {
  auto primary = StartOrFail({});
  auto standby = TempPostgres::StartStandby(*primary, {.name = "replica_a"});
  REQUIRE(standby.ok());
  REQUIRE(primary->RequireSynchronousStandby("replica_a").ok());
  const TempPostgres* servers[] = {primary.get(), standby->get()};
  const std::string dsn = TempPostgres::MultiHostDsn(servers);
  {
    pqxx::connection c(dsn);
    CHECK(c.port() == std::to_string(primary->port()));  // the one accepting writes
    pqxx::work tx(c);
    tx.exec("CREATE TABLE kept AS SELECT g AS n FROM generate_series(1, 1000) g");
    tx.commit();  // returns once the standby has it
  }
  // Processes of the primary outside its process group: an idle session, a session busy in a
  // query that would run for minutes without looking at the server, and the WAL sender.
  pqxx::connection held(primary->Dsn());
  std::vector<pid_t> children;
  {
    pqxx::nontransaction tx(held);
    children.push_back(tx.exec1("SELECT pg_backend_pid()")[0].as<pid_t>());
    children.push_back(tx.exec1("SELECT pid FROM pg_stat_replication")[0].as<pid_t>());
  }
  std::atomic<bool> busy_cut{false};
  std::jthread busy([&] {
    try {
      pqxx::connection c(primary->Dsn());
      pqxx::nontransaction(c).exec("SELECT count(*) FROM generate_series(1, 100000000000)");
    } catch (const pqxx::broken_connection&) {
      busy_cut = true;
    }
  });
  for (int i = 0; i < 500; ++i) {
    pqxx::nontransaction tx(held);
    pqxx::result r = tx.exec(
        "SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE "
        "'%generate_series%' "
        "AND pid <> pg_backend_pid()");
    if (!r.empty()) {
      children.push_back(r[0][0].as<pid_t>());
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(children.size() == 3);
  const absl::Status killed = primary->Kill();
  if (!killed.ok()) {  // so that the busy session ends and its thread can be joined
    for (pid_t child : children) ::kill(child, SIGKILL);
  }
  REQUIRE(killed.ok());
  CHECK_FALSE(primary->running());
  for (pid_t child : children) CHECK_FALSE(process::IsRunning(child));
  busy.join();
  CHECK(busy_cut);
  // The session is gone with its backend (libpqxx's attempt to reconnect finds no server).
  CHECK_THROWS_AS(pqxx::nontransaction(held).exec("SELECT 1"), pqxx::broken_connection);
  // Before the promotion nothing on the DSN accepts writes.
  CHECK_THROWS_AS(pqxx::connection(dsn), pqxx::broken_connection);
  REQUIRE((*standby)->Promote().ok());
  pqxx::connection c(dsn);
  CHECK(c.port() == std::to_string((*standby)->port()));
  pqxx::work tx(c);
  CHECK(tx.exec1("SELECT count(*) FROM kept")[0].as<int>() == 1000);
  tx.exec("INSERT INTO kept VALUES (0)");
  tx.commit();  // no synchronous standby is named on the promoted server: no wait
}

}  // namespace
}  // namespace mc::pgcluster
