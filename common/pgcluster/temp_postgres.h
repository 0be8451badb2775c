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
// StartStandby() makes a streaming standby of a running TempPostgres (pg_basebackup of it over
// the replication protocol, with a replication slot so the primary keeps the WAL the standby has
// not received yet); RequireSynchronousStandby() makes the primary's commits wait for it; Kill()
// and Promote() are a failover: the primary and all its processes die at once (SIGKILL, what the
// loss of its machine looks like), and `pg_ctl promote` makes the standby the primary.
// MultiHostDsn() is the libpq connection string over several servers that connects to whichever
// accepts writes (target_session_attrs=read-write).
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
#include <vector>

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

struct StandbyOptions {
  // The standby's application_name on the primary: what synchronous_standby_names lists, and
  // the name of its replication slot (lowercase letters, digits, '_').
  std::string name = "standby1";
};

// The "name=value" settings recommended for a production server, which every TempPostgres runs
// with (deploy/tests/pg_settings_check.py keeps the deploy/ PostgreSQL servers equal to them).
std::span<const char* const> QueueSettings();

class TempPostgres {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<TempPostgres>> Start(
      TempPostgresOptions options);
  // A streaming standby of `primary` (running), in a new temp folder, on a free port; ready
  // (accepting read-only connections) when it returns. INVALID_ARGUMENT for a name that is not
  // 1-63 of [a-z0-9_]; INTERNAL with pg_basebackup's output when the copy fails (its slot is
  // dropped again).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<TempPostgres>> StartStandby(
      const TempPostgres& primary, StandbyOptions options = {});
  ~TempPostgres();

  // The libpq connection string over `servers`, in order, that connects to the first one
  // accepting writes: what a client of a primary with failover uses.
  static std::string MultiHostDsn(std::span<const TempPostgres* const> servers,
                                  const std::string& dbname = "postgres");

  // libpq connection string for `dbname` (the cluster's default database is "postgres").
  std::string Dsn(const std::string& dbname = "postgres") const;
  int port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }

  // Fast shutdown (SIGINT): waits for clients to be disconnected and checkpoints.
  [[nodiscard]] absl::Status Stop();
  // Immediate shutdown (SIGQUIT): what a crash looks like to clients; recovery runs at start.
  [[nodiscard]] absl::Status Crash();
  // SIGKILL of the server and every process it started (each child leads a process group of
  // its own, so they are found by parent): no shutdown, no checkpoint, no backend left to finish
  // a commit or a WAL sender to stream it, connections cut at once, as when its machine is lost.
  // Returns once none of them runs; OK when it was not running; INTERNAL if one still runs 10 s
  // after.
  [[nodiscard]] absl::Status Kill();
  // Starts again on the same port and data folder.
  [[nodiscard]] absl::Status Restart();
  bool running();

  // On a primary: commits wait until the standby `name` has flushed them (ALTER SYSTEM
  // synchronous_standby_names, reloaded), from the moment it is the synchronous standby, which
  // this waits for (up to 60 s: DEADLINE_EXCEEDED; INTERNAL when the primary cannot be reached).
  // Call it only once the standby runs: a standby copied after it would inherit the setting, and
  // once promoted wait for itself.
  [[nodiscard]] absl::Status RequireSynchronousStandby(const std::string& name);
  // On a standby: `pg_ctl promote`, waiting until it accepts writes (up to 60 s). INTERNAL with
  // pg_ctl's output when it fails, or when the server is still in recovery or unreachable after.
  [[nodiscard]] absl::Status Promote();
  // Turns every transaction read-only (ALTER SYSTEM default_transaction_read_only, reloaded) or
  // back: what a demoted primary looks like to sessions it keeps. Sessions see it after the
  // reload reaches them (asynchronously: callers wait for the effect). INTERNAL when the server
  // cannot be reached.
  [[nodiscard]] absl::Status SetReadOnly(bool read_only);

 private:
  TempPostgres() = default;
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<TempPostgres>> Prepare(
      TempPostgresOptions options);
  [[nodiscard]] absl::Status LaunchOnFreePort();
  [[nodiscard]] absl::Status RunTool(std::vector<std::string> argv, const std::string& log) const;
  [[nodiscard]] absl::Status Launch();
  [[nodiscard]] absl::Status WaitReady();
  std::string LogTail() const;

  TempPostgresOptions options_;
  std::string bindir_;
  std::string data_dir_;
  bool remove_on_exit_ = false;
  int port_ = 0;
  // Settings a standby adds to the common ones (primary_conninfo).
  std::vector<std::string> extra_settings_;
  std::optional<process::Credentials> run_as_;
  std::optional<process::Subprocess> server_;
};

}  // namespace mc::pgcluster
