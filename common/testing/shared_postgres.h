// Test helpers around one throwaway PostgreSQL per test process.
//
// SharedPostgres() starts the server on first use (it dies with the process) unless
// MC_TEST_PG_DSN names a server to use instead. FreshSchema() returns a new, unique schema name
// on it, so tests never see each other's rows. Failures abort the test with Catch2's FAIL.
// Not thread-safe: call from the test's main thread.
#pragma once

#include <string>
#include <vector>

#include "common/pg/migrator.h"

namespace mc::testing {

// The DSN of the shared server.
const std::string& SharedPostgresDsn();

// A unique schema name ("t_<pid>_<n>_<label>"); with migrations, they are applied to it.
std::string FreshSchema(const std::string& label,
                        const std::vector<pg::Migration>& migrations = {});

}  // namespace mc::testing
