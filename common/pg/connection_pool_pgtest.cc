#include <catch2/catch.hpp>
#include <thread>

#include "common/pg/connection_pool.h"
#include "common/pgcluster/temp_postgres.h"
#include "common/testing/shared_postgres.h"

namespace mc::pg {
namespace {

TEST_CASE("statements are prepared on every connection, in the pool's schema") {
  std::string schema = testing::FreshSchema("pool");
  {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::work tx(c);
    tx.exec("CREATE TABLE " + schema + ".counter (n int)");
    tx.exec("INSERT INTO " + schema + ".counter VALUES (0)");
    tx.commit();
  }
  ConnectionPool pool({.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 3});
  pool.Prepare("bump", "UPDATE counter SET n = n + 1 RETURNING n");
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&pool] {
      for (int i = 0; i < 20; ++i) {
        REQUIRE(pool.Run([](pqxx::connection& c) {
                      pqxx::work tx(c);
                      tx.exec_prepared("bump");
                      tx.commit();
                      return absl::OkStatus();
                    })
                    .ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  int n = 0;
  REQUIRE(pool.Run([&n](pqxx::connection& c) {
                pqxx::work tx(c);
                n = tx.exec("SELECT n FROM counter")[0][0].as<int>();
                return absl::OkStatus();
              })
              .ok());
  CHECK(n == 120);
}

TEST_CASE("errors become statuses, never exceptions") {
  ConnectionPool pool({.dsn = testing::SharedPostgresDsn(), .size = 1});
  absl::Status s = pool.Run([](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec("SELECT 1/0");
    return absl::OkStatus();
  });
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);  // SQLSTATE 22012
  s = pool.Run([](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec("SELECT * FROM no_such_table");
    return absl::OkStatus();
  });
  CHECK(s.code() == absl::StatusCode::kInternal);
  CHECK(pool.Ping().ok());
}

TEST_CASE("unreachable server: UNAVAILABLE; the pool recovers after a restart") {
  auto pg = pgcluster::TempPostgres::Start({});
  REQUIRE(pg.ok());
  ConnectionPool pool({.dsn = (*pg)->Dsn(), .size = 2});
  REQUIRE(pool.Ping().ok());
  REQUIRE((*pg)->Crash().ok());
  absl::Status down = pool.Ping();
  CHECK(down.code() == absl::StatusCode::kUnavailable);
  REQUIRE((*pg)->Restart().ok());
  CHECK(pool.Ping().ok());
  CHECK(pool.Ping().ok());
}

absl::Status Insert(ConnectionPool& pool) {
  return pool.Run([](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec("INSERT INTO t VALUES (1)");
    tx.commit();
    return absl::OkStatus();
  });
}

TEST_CASE("a write refused by a server turned read-only is UNAVAILABLE; its own is INTERNAL") {
  auto pg = pgcluster::TempPostgres::Start({});
  REQUIRE(pg.ok());
  ConnectionPool pool({.dsn = (*pg)->Dsn(), .size = 1});
  REQUIRE(pool.Run([](pqxx::connection& c) {
                pqxx::work tx(c);
                tx.exec("CREATE TABLE t (n int)");
                tx.commit();
                return absl::OkStatus();
              })
              .ok());
  REQUIRE(Insert(pool).ok());
  // The caller's own read-only transaction writing: a bug, not an outage.
  absl::Status own = pool.Run([](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    tx.exec("INSERT INTO t VALUES (2)");
    return absl::OkStatus();
  });
  CHECK(own.code() == absl::StatusCode::kInternal);

  // What a primary being demoted looks like to the connection the pool holds.
  REQUIRE((*pg)->SetReadOnly(true).ok());
  for (int i = 0; i < 100 && Insert(pool).ok(); ++i) {  // the reload reaches the session
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  absl::Status refused = Insert(pool);
  CHECK(refused.code() == absl::StatusCode::kUnavailable);
  CHECK(refused.message().find("no longer accepts writes") != std::string::npos);
  REQUIRE((*pg)->SetReadOnly(false).ok());
  CHECK(Insert(pool).ok());
}

TEST_CASE(
    "a write that reaches a standby is UNAVAILABLE, and the multi-host DSN finds the "
    "primary") {
  auto primary = pgcluster::TempPostgres::Start({});
  REQUIRE(primary.ok());
  {
    pqxx::connection c((*primary)->Dsn());
    pqxx::work tx(c);
    tx.exec("CREATE TABLE t (n int)");
    tx.commit();
  }
  auto standby = pgcluster::TempPostgres::StartStandby(**primary);
  REQUIRE(standby.ok());
  ConnectionPool on_standby({.dsn = (*standby)->Dsn(), .size = 1});
  absl::Status refused = Insert(on_standby);
  CHECK(refused.code() == absl::StatusCode::kUnavailable);
  CHECK(refused.message().find("no longer the primary") != std::string::npos);

  const pgcluster::TempPostgres* servers[] = {standby->get(), primary->get()};
  ConnectionPool multi({.dsn = pgcluster::TempPostgres::MultiHostDsn(servers), .size = 1});
  CHECK(Insert(multi).ok());  // the standby is listed first, and skipped
}

TEST_CASE("a busy pool times out with UNAVAILABLE") {
  ConnectionPool pool(
      {.dsn = testing::SharedPostgresDsn(), .size = 1, .acquire_timeout = absl::Milliseconds(100)});
  std::thread holder([&pool] {
    (void)pool.Run([](pqxx::connection& c) {
      pqxx::work tx(c);
      tx.exec("SELECT pg_sleep(0.5)");
      return absl::OkStatus();
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  CHECK(pool.Ping().code() == absl::StatusCode::kUnavailable);
  holder.join();
  CHECK(pool.Ping().ok());
}

}  // namespace
}  // namespace mc::pg
