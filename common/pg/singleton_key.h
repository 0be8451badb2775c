// SingletonKey: a random secret key kept in a one-row table of the schema (columns singleton,
// key bytea, created_at; e.g. page_token_key, bounce_key, search_token_key), so that every
// replica of an instance uses the same key and it survives restarts.
//
// SingletonKey(table, size) names the table's two statements (constants: make one per table,
// at namespace scope); Prepare registers them with a pool. LoadOrCreate inserts a fresh random
// key (OpenSSL RAND_bytes) unless the table already has one (ON CONFLICT DO NOTHING), then
// returns the stored key: replicas starting together all get the first one committed. The key
// is a secret: never logged, never in a status message (the buffers that held it in hex are
// cleansed).
// Failure modes: UNAVAILABLE when PostgreSQL is unreachable; INTERNAL when the random generator
// fails or the stored key is malformed (the message names the table). Thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "common/pg/connection_pool.h"
#include "common/pg/query.h"
#include "common/pg/statement.h"

namespace mc::pg {

class SingletonKey {
 public:
  SingletonKey(absl::string_view table, size_t size);

  void Prepare(ConnectionPool& pool) const;
  [[nodiscard]] absl::StatusOr<std::string> LoadOrCreate(ConnectionPool& pool) const;

 private:
  std::string table_;
  size_t size_;
  Statement insert_;
  Query<std::string> get_;
};

}  // namespace mc::pg
