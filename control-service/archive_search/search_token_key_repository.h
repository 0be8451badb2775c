// SearchTokenKeyRepository: the control instance's key for SearchEvents page tokens (see
// search_token.h), kept in the search_token_key table of its schema (migration 0006), so every
// replica uses the same key and it survives restarts.
//
// LoadOrCreate: inserts a fresh random key (OpenSSL RAND_bytes) unless there is one already (ON
// CONFLICT DO NOTHING), then returns the stored key: replicas starting together all get the
// first one committed. The key is a secret: never logged, never in a status message.
// Failure modes: UNAVAILABLE when PostgreSQL is unreachable; INTERNAL when the random generator
// fails or the stored key is malformed. Thread-safe.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/pg/connection_pool.h"

namespace mc::control {

class SearchTokenKeyRepository {
 public:
  explicit SearchTokenKeyRepository(pg::ConnectionPool& pool);

  [[nodiscard]] absl::StatusOr<std::string> LoadOrCreate();

 private:
  pg::ConnectionPool& pool_;
};

}  // namespace mc::control
