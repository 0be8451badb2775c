// Versioned SQL migrations, applied into one schema.
//
// Migrations are numbered files (NNNN_name.sql) compiled into the binary (cmake/EmbedSql.cmake).
// Migrate() creates the schema if missing, then applies each migration not yet recorded in
// <schema>.schema_migrations, in version order, each in its own transaction with search_path
// set to the schema. A transaction-scoped advisory lock per schema serialises concurrent
// migrators (several replicas starting at once).
//
// Failure modes: UNAVAILABLE when PostgreSQL cannot be reached; FAILED_PRECONDITION when the
// schema is at a version newer than this binary knows; INTERNAL (with the version and the
// server's message) when a migration fails, which is then rolled back whole.
// Thread-safe (uses its own connection).
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace mc::pg {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

[[nodiscard]] absl::Status Migrate(const std::string& dsn, const std::string& schema,
                                   const std::vector<Migration>& migrations);

// The highest applied version (0 when none).
[[nodiscard]] absl::StatusOr<int> SchemaVersion(const std::string& dsn, const std::string& schema);

}  // namespace mc::pg
