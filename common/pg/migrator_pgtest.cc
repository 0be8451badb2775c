#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <thread>

#include "common/pg/migrator.h"
#include "common/testing/shared_postgres.h"

namespace mc::pg {
namespace {

const std::vector<Migration> kTwo = {
    {1, "first", "CREATE TABLE a (id int PRIMARY KEY);"},
    {2, "second", "ALTER TABLE a ADD COLUMN name text; CREATE INDEX a_name ON a (name);"},
};

TEST_CASE("migrations apply once, in order, into the schema") {
  std::string schema = testing::FreshSchema("mig");
  const std::string& dsn = testing::SharedPostgresDsn();
  REQUIRE(Migrate(dsn, schema, {kTwo[0]}).ok());
  CHECK(*SchemaVersion(dsn, schema) == 1);
  // Concurrent migrators (replicas starting together) apply version 2 exactly once.
  std::vector<std::thread> ts;
  std::vector<absl::Status> results(4);
  for (int i = 0; i < 4; ++i) ts.emplace_back([&, i] { results[i] = Migrate(dsn, schema, kTwo); });
  for (auto& t : ts) t.join();
  for (auto& r : results) CHECK(r.ok());
  CHECK(*SchemaVersion(dsn, schema) == 2);
  pqxx::connection c(dsn);
  pqxx::work tx(c);
  CHECK(tx.exec("SELECT count(*) FROM " + schema + ".schema_migrations")[0][0].as<int>() == 2);
  CHECK_NOTHROW(tx.exec("SELECT id, name FROM " + schema + ".a"));
}

TEST_CASE("a failing migration rolls back and names itself") {
  std::string schema = testing::FreshSchema("migfail");
  const std::string& dsn = testing::SharedPostgresDsn();
  absl::Status s = Migrate(dsn, schema,
                           {{1, "ok", "CREATE TABLE b (id int);"},
                            {2, "broken", "CREATE TABLE c (id int); SELECT * FROM nope;"}});
  CHECK(s.code() == absl::StatusCode::kInternal);
  CHECK(s.message().find("2_broken") != std::string::npos);
  CHECK(*SchemaVersion(dsn, schema) == 1);
  pqxx::connection c(dsn);
  pqxx::work tx(c);
  CHECK(tx.exec("SELECT to_regclass('" + schema + ".c') IS NULL")[0][0].as<bool>());
}

TEST_CASE("a schema newer than the binary is refused") {
  std::string schema = testing::FreshSchema("mignew", kTwo);
  absl::Status s = Migrate(testing::SharedPostgresDsn(), schema, {kTwo[0]});
  CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace mc::pg
