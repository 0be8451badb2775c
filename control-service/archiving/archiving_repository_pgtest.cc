// The archived quarantine against a real PostgreSQL: addresses are stored as their keys (an
// email's domain in lower case), from any execution instance, and rows archived before are
// turned into keys by the schema's migration.
#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "common/testing/shared_postgres.h"
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
  for (const pg::Migration& m : all) {
    if (m.version < 4) before.push_back(m);
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

}  // namespace
}  // namespace mc::control
