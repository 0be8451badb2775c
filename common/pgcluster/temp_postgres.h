// TempPostgres: a throwaway PostgreSQL server for tests, benchmarks and the local cluster.
//
// Start() runs initdb into a data folder (a fresh temp folder, or a named one that is reused
// when it already holds a cluster), then runs `postgres` on 127.0.0.1 and a free port as a
// child process. PostgreSQL refuses to run as root, so when the caller is root both run as the
// "postgres" user (or "nobody"). Authentication is "trust" for loopback: for local use only.
// The server dies with the thread that started it (PR_SET_PDEATHSIG); the destructor stops it
// and removes a temp folder. It runs with QueueSettings() (checkpoints and autovacuum for
// queue tables: README.md "Production PostgreSQL settings").
//
// Binaries come from $MC_PG_BINDIR, else the newest /usr/lib/postgresql/*/bin, else PATH.
// Failure modes: NOT_FOUND when no PostgreSQL binaries are installed; INTERNAL with the tail of
// the server log when initdb or the server fails; DEADLINE_EXCEEDED when it is not ready in 60s.
// Not thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/process/subprocess.h"

namespace mc::pgcluster {

struct TempPostgresOptions {
  // Empty: a new folder under $TMPDIR, removed at the end. Else kept between runs.
  std::string data_dir;
  // 0: a free port.
  int port = 0;
  // false turns fsync off (tests: faster, still crash-safe for a killed server, not for a
  // killed machine). Benchmarks keep it on so that commits are durable.
  bool durable = false;
  int max_connections = 200;
};

// The "name=value" settings recommended for a production server, which every TempPostgres runs
// with (deploy/tests/pg_settings_check.py keeps the deploy/ PostgreSQL servers equal to them).
std::span<const char* const> QueueSettings();

class TempPostgres {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<TempPostgres>> Start(
      TempPostgresOptions options);
  ~TempPostgres();

  // libpq connection string for `dbname` (the cluster's default database is "postgres").
  std::string Dsn(const std::string& dbname = "postgres") const;
  int port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }

  // Fast shutdown (SIGINT): waits for clients to be disconnected and checkpoints.
  [[nodiscard]] absl::Status Stop();
  // Immediate shutdown (SIGQUIT): what a crash looks like to clients; recovery runs at start.
  [[nodiscard]] absl::Status Crash();
  // Starts again on the same port and data folder.
  [[nodiscard]] absl::Status Restart();
  bool running();

 private:
  TempPostgres() = default;
  [[nodiscard]] absl::Status Launch();
  [[nodiscard]] absl::Status WaitReady();
  std::string LogTail() const;

  TempPostgresOptions options_;
  std::string bindir_;
  std::string data_dir_;
  bool remove_on_exit_ = false;
  int port_ = 0;
  std::optional<process::Credentials> run_as_;
  std::optional<process::Subprocess> server_;
};

}  // namespace mc::pgcluster
