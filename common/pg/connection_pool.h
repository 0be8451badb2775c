// ConnectionPool: a fixed number of PostgreSQL connections, each with the instance's
// search_path and every registered prepared statement.
//
// Connections are made lazily and remade after a loss, so the pool recovers by itself when
// PostgreSQL comes back. Run() hands a connection to a function for one unit of work:
//  - a lost connection (server restart, network cut) before commit is retried on a fresh
//    connection, up to `max_attempts`; if still failing: UNAVAILABLE;
//  - a deadlock or serialization failure is retried the same way; if still failing: ABORTED;
//  - a write refused as read-only by a server that no longer takes writes (a standby, or a
//    primary being demoted: failover) is retried the same way on a fresh connection, which a
//    multi-host DSN with target_session_attrs=read-write makes to the new primary; if still
//    failing: UNAVAILABLE. A read-only refusal of the caller's own read-only transaction stays
//    INTERNAL (a bug, not an outage) on a server that takes writes; on one that does not, the
//    two look alike and it is reported UNAVAILABLE too;
//  - a loss during COMMIT is never retried: UNAVAILABLE "outcome unknown";
//  - any other libpqxx exception becomes a status (see errors.h); none escapes.
// Waiting longer than `acquire_timeout` for a free connection: UNAVAILABLE.
// Thread-safe. Prepare() must be called before the first Run() (registrations are read by every
// new connection; later ones reach only connections made later).
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace mc::pg {

struct PoolOptions {
  std::string dsn;
  // Schema put first on every connection's search_path; empty keeps the server's default.
  std::string schema;
  int size = 8;
  absl::Duration acquire_timeout = absl::Seconds(10);
  int max_attempts = 3;
  // Run on every new connection, e.g. "SET enable_bitmapscan = off" for a pool whose
  // statements all want the same planner settings.
  std::vector<std::string> session_settings;
};

class ConnectionPool {
 public:
  explicit ConnectionPool(PoolOptions options);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Registers a statement that every connection prepares as `name`.
  void Prepare(std::string name, std::string sql);

  // Runs `work` with a connection; see the header comment for retries and errors. `work` may be
  // called more than once, so it must start its own transaction and have no other side effect
  // until it returns.
  [[nodiscard]] absl::Status Run(const std::function<absl::Status(pqxx::connection&)>& work);

  // Round trip to the server ("SELECT 1"): OK or UNAVAILABLE.
  [[nodiscard]] absl::Status Ping();

  const PoolOptions& options() const { return options_; }

 private:
  std::unique_ptr<pqxx::connection> Connect();
  [[nodiscard]] absl::Status RunOnce(std::unique_ptr<pqxx::connection>& conn,
                                     const std::function<absl::Status(pqxx::connection&)>& work,
                                     bool* retryable);

  const PoolOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;  // entries may be null: not connected
  int free_slots_;
  std::vector<std::pair<std::string, std::string>> statements_;
};

}  // namespace mc::pg
