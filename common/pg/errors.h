// Conversion of libpqxx exceptions into absl::Status, so they stop at the repository layer.
//
//   lost connection, server shutting down, too many connections   -> UNAVAILABLE (retryable)
//   commit outcome unknown (in_doubt_error)                        -> UNAVAILABLE, says so
//   deadlock / serialization failure                               -> ABORTED (retry the
//   transaction) data or constraint error (SQLSTATE classes 22, 23)             -> INVALID_ARGUMENT
//   anything else                                                  -> INTERNAL
// Thread-safe, never throws.
#pragma once

#include <exception>

#include "absl/status/status.h"

namespace mc::pg {

[[nodiscard]] absl::Status StatusFromException(const std::exception& e);

// True for errors after which a fresh connection may succeed and nothing was committed.
bool IsLostConnection(const std::exception& e);

// True for a write refused because the transaction is read-only (SQLSTATE 25006): either one the
// caller asked for (a bug: INTERNAL) or a server that no longer takes writes, a standby or a
// demoted primary (ConnectionPool asks the server which, and then makes it UNAVAILABLE).
bool IsReadOnlyRefusal(const std::exception& e);

}  // namespace mc::pg
