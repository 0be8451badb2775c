#include "common/pgcluster/temp_postgres.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/pgcluster/free_port.h"
#include "common/process/process_table.h"

namespace mc::pgcluster {
namespace fs = std::filesystem;

namespace {

std::string FindBindir() {
  if (const char* env = std::getenv("MC_PG_BINDIR"); env != nullptr && *env != '\0') return env;
  std::string best;
  int best_version = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    int v = std::atoi(entry.path().filename().c_str());
    if (v > best_version && fs::exists(entry.path() / "bin" / "postgres")) {
      best_version = v;
      best = (entry.path() / "bin").string();
    }
  }
  if (!best.empty()) return best;
  if (const char* path = std::getenv("PATH")) {
    std::stringstream ss(path);
    std::string dir;
    while (std::getline(ss, dir, ':')) {
      if (fs::exists(fs::path(dir) / "initdb")) return dir;
    }
  }
  return "";
}

void ChownTree(const fs::path& root, const process::Credentials& c) {
  (void)!chown(root.c_str(), c.uid, c.gid);
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(root, ec)) {
    (void)!chown(e.path().c_str(), c.uid, c.gid);
  }
}

// The queue settings that README.md "Production PostgreSQL settings" recommends, one reason
// each: every test, benchmark and local cluster runs with them, and
// deploy/tests/pg_settings_check.py keeps docker-compose.yml and the Kubernetes dev PostgreSQL
// equal to them. They shape checkpoints and autovacuum only: a cluster starts as fast.
constexpr const char* kQueueSettings[] = {
    // Checkpoints by time, not WAL volume: one is forced only after ~4.2 GB (8 GB / 1.9) of WAL.
    "max_wal_size=8GB",
    // Written segments kept for reuse (renamed, not recreated): nothing is allocated at start.
    "min_wal_size=1GB",
    // A checkpoint every 15 min, not 5: each one makes the next change of a page a full image.
    "checkpoint_timeout=15min",
    // A checkpoint's writes spread over 90% of the interval, not a burst (the default since 14).
    "checkpoint_completion_target=0.9",
    // Full-page images compressed with lz4 (cheap in CPU): a storm writes far less WAL.
    "wal_compression=lz4",
    // WAL buffered for group commits of thousands of rows (auto: 1/32 of shared_buffers).
    "wal_buffers=16MB",
    // Autovacuum visits each database every 10 s, not 1 min: the queue tables churn fast.
    "autovacuum_naptime=10s",
    // 10x the default work between pauses: a vacuum of a big queue table finishes fast.
    "autovacuum_vacuum_cost_limit=2000",
    // The pause between those bites (the default): vacuum runs in small steps beside traffic.
    "autovacuum_vacuum_cost_delay=2ms",
};

}  // namespace

std::span<const char* const> QueueSettings() { return kQueueSettings; }

absl::StatusOr<std::unique_ptr<TempPostgres>> TempPostgres::Prepare(TempPostgresOptions options) {
  std::unique_ptr<TempPostgres> pg(new TempPostgres());
  pg->options_ = options;
  pg->bindir_ = FindBindir();
  if (pg->bindir_.empty()) {
    return absl::NotFoundError(
        "PostgreSQL server binaries not found (install postgresql, or set MC_PG_BINDIR)");
  }
  pg->run_as_ = process::UnprivilegedUserIfRoot();
  if (options.data_dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "mc-pg-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) return absl::InternalError("mkdtemp failed");
    pg->data_dir_ = tmpl;
    pg->remove_on_exit_ = true;
  } else {
    pg->data_dir_ = fs::absolute(options.data_dir).string();
    fs::create_directories(pg->data_dir_);
  }
  chmod(pg->data_dir_.c_str(), 0700);
  if (pg->run_as_) ChownTree(pg->data_dir_, *pg->run_as_);
  return pg;
}

absl::Status TempPostgres::RunTool(std::vector<std::string> argv, const std::string& log) const {
  const std::string log_path = data_dir_ + "/" + log;
  const std::string tool = argv[0];
  process::SpawnOptions run{
      .argv = std::move(argv), .stdout_path = log_path, .stderr_path = log_path};
  run.argv[0] = bindir_ + "/" + tool;
  if (run_as_) {
    run.uid = run_as_->uid;
    run.gid = run_as_->gid;
  }
  absl::StatusOr<int> rc = process::Run(run);
  if (!rc.ok()) return rc.status();
  if (*rc != 0) {
    std::ifstream in(log_path);
    std::stringstream ss;
    ss << in.rdbuf();
    return absl::InternalError(absl::StrCat(tool, " failed (exit ", *rc, "): ", ss.str()));
  }
  return absl::OkStatus();
}

absl::Status TempPostgres::LaunchOnFreePort() {
  port_ = options_.port;
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (options_.port == 0) {
      absl::StatusOr<int> port = FreeLoopbackPort();
      if (!port.ok()) return port.status();
      port_ = *port;
    }
    absl::Status s = Launch();
    if (s.ok() || options_.port != 0 || attempt == 4) return s;
  }
  return absl::InternalError("unreachable");
}

absl::StatusOr<std::unique_ptr<TempPostgres>> TempPostgres::Start(TempPostgresOptions options) {
  absl::StatusOr<std::unique_ptr<TempPostgres>> pg = Prepare(std::move(options));
  if (!pg.ok()) return pg.status();
  const fs::path pgdata = fs::path((*pg)->data_dir_) / "data";
  if (!fs::exists(pgdata / "PG_VERSION")) {
    absl::Status init = (*pg)->RunTool({"initdb", "-D", pgdata.string(), "-U", "mc", "--auth=trust",
                                        "-E", "UTF8", "--locale=C", "-N"},
                                       "initdb.log");
    if (!init.ok()) return init;
  }
  if (absl::Status s = (*pg)->LaunchOnFreePort(); !s.ok()) return s;
  return pg;
}

absl::StatusOr<std::unique_ptr<TempPostgres>> TempPostgres::StartStandby(
    const TempPostgres& primary, StandbyOptions options) {
  // The name goes into a connection string and names a slot: keep it to what both accept.
  if (options.name.empty() || options.name.size() > 63 ||
      options.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") !=
          std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("standby name '", options.name,
                                                   "': 1 to 63 lowercase letters, digits or '_'"));
  }
  absl::StatusOr<std::unique_ptr<TempPostgres>> pg = Prepare(
      {.durable = primary.options_.durable, .max_connections = primary.options_.max_connections});
  if (!pg.ok()) return pg.status();
  const std::string source = absl::StrCat("host=127.0.0.1 port=", primary.port_,
                                          " user=mc application_name=", options.name);
  // -R writes standby.signal; --create-slot keeps on the primary the WAL this standby has not
  // received, from the copy on. Streams the WAL of the copy too (-X stream).
  absl::Status copy =
      (*pg)->RunTool({"pg_basebackup", "-d", source, "-D", (*pg)->data_dir_ + "/data", "-R", "-X",
                      "stream", "--create-slot", "--slot", options.name, "--checkpoint=fast"},
                     "basebackup.log");
  if (!copy.ok()) {
    // A copy that failed after making its slot would hold the primary's WAL for ever.
    try {
      pqxx::connection c(primary.Dsn());
      pqxx::nontransaction tx(c);
      tx.exec_params(
          "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
          "WHERE slot_name = $1 AND NOT active",
          options.name);
    } catch (const std::exception&) {
      // The primary is gone as well: its slots with it.
    }
    return copy;
  }
  (*pg)->extra_settings_ = {absl::StrCat("primary_conninfo=", source),
                            absl::StrCat("primary_slot_name=", options.name)};
  if (absl::Status s = (*pg)->LaunchOnFreePort(); !s.ok()) return s;
  return pg;
}

std::string TempPostgres::MultiHostDsn(std::span<const TempPostgres* const> servers,
                                       const std::string& dbname) {
  std::string hosts, ports;
  for (const TempPostgres* server : servers) {
    absl::StrAppend(&hosts, hosts.empty() ? "" : ",", "127.0.0.1");
    absl::StrAppend(&ports, ports.empty() ? "" : ",", server->port_);
  }
  return absl::StrCat("host=", hosts, " port=", ports, " user=mc dbname=", dbname,
                      " connect_timeout=5 target_session_attrs=read-write");
}

absl::Status TempPostgres::Launch() {
  const std::string log_path = data_dir_ + "/postgres.log";
  // wal_init_zero=off: a fresh cluster creates every WAL segment it writes (one that has run a
  // while recycles them), and zero-filling 16 MiB held every commit behind it for 200-600 ms
  // on a virtual disk, a stall a benchmark of minutes would otherwise measure. Commits are as
  // durable (fsync follows `durable`).
  std::vector<std::string> settings = {
      "listen_addresses=127.0.0.1",
      "unix_socket_directories=",
      absl::StrCat("max_connections=", options_.max_connections),
      options_.durable ? "fsync=on" : "fsync=off",
      options_.durable ? "full_page_writes=on" : "full_page_writes=off",
      "shared_buffers=256MB",
      "wal_init_zero=off"};
  settings.insert(settings.end(), QueueSettings().begin(), QueueSettings().end());
  settings.insert(settings.end(), extra_settings_.begin(), extra_settings_.end());
  process::SpawnOptions run{
      .argv = {bindir_ + "/postgres", "-D", data_dir_ + "/data", "-p", std::to_string(port_)},
      .stdout_path = log_path,
      .stderr_path = log_path,
      .death_signal = SIGQUIT};
  for (const std::string& setting : settings) {
    run.argv.push_back("-c");
    run.argv.push_back(setting);
  }
  if (run_as_) {
    run.uid = run_as_->uid;
    run.gid = run_as_->gid;
  }
  absl::StatusOr<process::Subprocess> p = process::Subprocess::Spawn(run);
  if (!p.ok()) return p.status();
  server_.emplace(std::move(*p));
  return WaitReady();
}

absl::Status TempPostgres::WaitReady() {
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline) {
    if (!server_->Running()) {
      return absl::InternalError(
          absl::StrCat("postgres exited during start-up; log tail:\n", LogTail()));
    }
    try {
      pqxx::connection c(Dsn());
      return absl::OkStatus();
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  return absl::DeadlineExceededError(
      absl::StrCat("postgres not ready within 60s; log tail:\n", LogTail()));
}

std::string TempPostgres::LogTail() const {
  std::ifstream log(data_dir_ + "/postgres.log");
  std::stringstream ss;
  ss << log.rdbuf();
  std::string all = ss.str();
  return all.size() > 4000 ? all.substr(all.size() - 4000) : all;
}

std::string TempPostgres::Dsn(const std::string& dbname) const {
  return absl::StrCat("host=127.0.0.1 port=", port_, " user=mc dbname=", dbname,
                      " connect_timeout=5");
}

bool TempPostgres::running() { return server_ && server_->Running(); }

absl::Status TempPostgres::Stop() {
  if (!running()) return absl::OkStatus();
  server_->Signal(SIGINT);
  if (!server_->WaitFor(absl::Seconds(60))) {
    server_->Signal(SIGQUIT);
    server_->Wait();
  }
  return absl::OkStatus();
}

absl::Status TempPostgres::Crash() {
  if (!running()) return absl::OkStatus();
  server_->Signal(SIGQUIT);
  server_->Wait();
  return absl::OkStatus();
}

absl::Status TempPostgres::Kill() {
  if (!running()) return absl::OkStatus();
  // Each child of the server (backends, WAL senders, background workers) leads a process group
  // of its own, so they are found by parent and killed one by one, the server stopped first so
  // that it starts none meanwhile; then the server and anything left in its group.
  const pid_t pid = server_->pid();
  ::kill(pid, SIGSTOP);
  const std::vector<pid_t> children = process::ChildrenOf(pid);
  for (pid_t child : children) ::kill(child, SIGKILL);
  server_->Signal(SIGKILL);
  ::kill(-pid, SIGKILL);
  server_->Wait();
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  for (pid_t child : children) {
    if (!process::AwaitExit(child, deadline - absl::Now())) {
      return absl::InternalError(
          absl::StrCat("PostgreSQL process ", child, " still runs 10 s after SIGKILL"));
    }
  }
  return absl::OkStatus();
}

absl::Status TempPostgres::RequireSynchronousStandby(const std::string& name) {
  try {
    pqxx::connection c(Dsn());
    pqxx::nontransaction tx(c);
    tx.exec("ALTER SYSTEM SET synchronous_standby_names = " + tx.quote(name));
    tx.exec("SELECT pg_reload_conf()");
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (absl::Now() < deadline) {
      pqxx::result r = tx.exec_params(
          "SELECT 1 FROM pg_stat_replication WHERE application_name = $1 AND sync_state = "
          "'sync'",
          name);
      if (!r.empty()) return absl::OkStatus();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("could not require the standby: ", e.what()));
  }
  return absl::DeadlineExceededError(
      absl::StrCat(name, " did not become the synchronous standby within 60 s"));
}

absl::Status TempPostgres::Promote() {
  absl::Status s =
      RunTool({"pg_ctl", "promote", "-D", data_dir_ + "/data", "-w", "-t", "60"}, "promote.log");
  if (!s.ok()) return s;
  try {
    pqxx::connection c(Dsn());
    pqxx::nontransaction tx(c);
    if (tx.exec1("SELECT pg_is_in_recovery()")[0].as<bool>()) {
      return absl::InternalError("still a standby after pg_ctl promote");
    }
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("promoted server unreachable: ", e.what()));
  }
  return absl::OkStatus();
}

absl::Status TempPostgres::SetReadOnly(bool read_only) {
  try {
    pqxx::connection c(Dsn());
    pqxx::nontransaction tx(c);
    tx.exec(read_only ? "ALTER SYSTEM SET default_transaction_read_only = on"
                      : "ALTER SYSTEM RESET default_transaction_read_only");
    tx.exec("SELECT pg_reload_conf()");
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat("could not change default_transaction_read_only: ", e.what()));
  }
  return absl::OkStatus();
}

absl::Status TempPostgres::Restart() {
  if (running()) return absl::FailedPreconditionError("PostgreSQL is still running");
  return Launch();
}

TempPostgres::~TempPostgres() {
  (void)Stop();
  if (remove_on_exit_) {
    std::error_code ec;
    fs::remove_all(data_dir_, ec);
  }
}

}  // namespace mc::pgcluster
