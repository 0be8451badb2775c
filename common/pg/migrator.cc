#include "common/pg/migrator.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/pg/errors.h"

namespace mc::pg {
namespace {

void LockAndPrepare(pqxx::work& tx, const std::string& schema) {
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))", "mc_migrate:" + schema);
  const std::string q = tx.quote_name(schema);
  tx.exec("CREATE SCHEMA IF NOT EXISTS " + q);
  tx.exec("CREATE TABLE IF NOT EXISTS " + q +
          ".schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
          "applied_at timestamptz NOT NULL DEFAULT now())");
}

int MaxVersion(pqxx::work& tx, const std::string& schema) {
  return tx
      .exec("SELECT coalesce(max(version), 0) FROM " + tx.quote_name(schema) +
            ".schema_migrations")[0][0]
      .as<int>();
}

}  // namespace

absl::Status Migrate(const std::string& dsn, const std::string& schema,
                     const std::vector<Migration>& migrations) {
  int newest_known = 0;
  for (const Migration& m : migrations) newest_known = std::max(newest_known, m.version);
  try {
    pqxx::connection conn(dsn);
    {
      pqxx::work tx(conn);
      LockAndPrepare(tx, schema);  // the schema exists even when there is nothing to apply
      tx.commit();
    }
    for (const Migration& m : migrations) {
      pqxx::work tx(conn);
      LockAndPrepare(tx, schema);
      int current = MaxVersion(tx, schema);
      if (current > newest_known) {
        return absl::FailedPreconditionError(absl::StrCat("schema ", schema, " is at version ",
                                                          current, ", newer than this binary's ",
                                                          newest_known, "; upgrade the binary"));
      }
      const std::string q = tx.quote_name(schema);
      if (!tx.exec_params("SELECT 1 FROM " + q + ".schema_migrations WHERE version = $1", m.version)
               .empty()) {
        continue;
      }
      tx.exec("SET LOCAL search_path TO " + q + ", public");
      try {
        tx.exec(m.sql);
      } catch (const pqxx::sql_error& e) {
        return absl::InternalError(absl::StrCat("migration ", m.version, "_", m.name,
                                                " failed in schema ", schema, ": ", e.what()));
      }
      tx.exec_params("INSERT INTO " + q + ".schema_migrations (version, name) VALUES ($1, $2)",
                     m.version, m.name);
      tx.commit();
    }
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
}

absl::StatusOr<int> SchemaVersion(const std::string& dsn, const std::string& schema) {
  try {
    pqxx::connection conn(dsn);
    pqxx::work tx(conn);
    LockAndPrepare(tx, schema);
    int v = MaxVersion(tx, schema);
    tx.commit();
    return v;
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
}

}  // namespace mc::pg
