#include "common/testing/shared_postgres.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/pgcluster/temp_postgres.h"

namespace mc::testing {

const std::string& SharedPostgresDsn() {
  static const std::string dsn = [] {
    if (const char* env = std::getenv("MC_TEST_PG_DSN"); env != nullptr && *env != '\0') {
      return std::string(env);
    }
    // Lives until the process exits; the server dies with the process.
    static std::unique_ptr<pgcluster::TempPostgres> server;
    auto started = pgcluster::TempPostgres::Start({});
    if (!started.ok()) FAIL("cannot start PostgreSQL: " << started.status().ToString());
    server = std::move(*started);
    return server->Dsn();
  }();
  return dsn;
}

std::string FreshSchema(const std::string& label, const std::vector<pg::Migration>& migrations) {
  static int counter = 0;
  std::string schema = absl::StrCat("t_", getpid(), "_", ++counter, "_", label);
  absl::Status s = pg::Migrate(SharedPostgresDsn(), schema, migrations);
  if (!s.ok()) FAIL("migrating " << schema << ": " << s.ToString());
  return schema;
}

}  // namespace mc::testing
