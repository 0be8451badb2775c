#include "common/pg/connection_pool.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/pg/errors.h"

namespace mc::pg {

ConnectionPool::ConnectionPool(PoolOptions options)
    : options_(std::move(options)), free_slots_(options_.size) {
  idle_.resize(options_.size);
}

ConnectionPool::~ConnectionPool() = default;

void ConnectionPool::Prepare(std::string name, std::string sql) {
  std::lock_guard<std::mutex> lock(mu_);
  statements_.emplace_back(std::move(name), std::move(sql));
}

std::unique_ptr<pqxx::connection> ConnectionPool::Connect() {
  auto conn = std::make_unique<pqxx::connection>(options_.dsn);
  {
    pqxx::nontransaction tx(*conn);
    if (!options_.schema.empty()) {
      tx.exec("SET search_path TO " + tx.quote_name(options_.schema) + ", public");
    }
    for (const std::string& setting : options_.session_settings) tx.exec(setting);
  }
  std::vector<std::pair<std::string, std::string>> statements;
  {
    std::lock_guard<std::mutex> lock(mu_);
    statements = statements_;
  }
  for (const auto& [name, sql] : statements) conn->prepare(name, sql);
  return conn;
}

namespace {

// Whether the server behind `c` takes no writes at all: a standby (in recovery), or a primary
// made read-only (default_transaction_read_only, as a switchover does before demoting it).
// True when it cannot tell: the connection is not worth keeping either.
bool ServerRefusesWrites(pqxx::connection& c) {
  try {
    pqxx::nontransaction tx(c);
    return tx
        .exec1(
            "SELECT pg_is_in_recovery() OR "
            "current_setting('default_transaction_read_only')::bool")[0]
        .as<bool>();
  } catch (const std::exception&) {
    return true;
  }
}

}  // namespace

absl::Status ConnectionPool::RunOnce(std::unique_ptr<pqxx::connection>& conn,
                                     const std::function<absl::Status(pqxx::connection&)>& work,
                                     bool* retryable) {
  *retryable = false;
  try {
    if (conn == nullptr) conn = Connect();
    return work(*conn);
  } catch (const std::exception& e) {
    absl::Status status = StatusFromException(e);
    if (IsReadOnlyRefusal(e) && conn != nullptr && ServerRefusesWrites(*conn)) {
      // This server stopped being the primary (failover): a new connection finds the one
      // that is (a multi-host DSN with target_session_attrs=read-write), or fails until then.
      conn.reset();
      *retryable = true;
      return absl::UnavailableError(absl::StrCat(
          "PostgreSQL server no longer accepts writes (no longer the primary): ", e.what()));
    }
    if (IsLostConnection(e)) {
      conn.reset();
      *retryable = true;
    } else if (status.code() == absl::StatusCode::kAborted) {
      *retryable = true;
    } else if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
      conn.reset();
    }
    return status;
  }
}

absl::Status ConnectionPool::Run(const std::function<absl::Status(pqxx::connection&)>& work) {
  std::unique_ptr<pqxx::connection> conn;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, absl::ToChronoMilliseconds(options_.acquire_timeout),
                      [this] { return free_slots_ > 0; })) {
      return absl::UnavailableError(absl::StrCat("no free PostgreSQL connection within ",
                                                 absl::FormatDuration(options_.acquire_timeout)));
    }
    --free_slots_;
    for (auto it = idle_.rbegin(); it != idle_.rend(); ++it) {
      if (*it != nullptr) {  // prefer a live connection
        std::swap(*it, idle_.back());
        break;
      }
    }
    conn = std::move(idle_.back());
    idle_.pop_back();
  }
  absl::Status status;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    bool retryable = false;
    status = RunOnce(conn, work, &retryable);
    if (status.ok() || !retryable) break;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(std::move(conn));
    ++free_slots_;
  }
  cv_.notify_one();
  return status;
}

absl::Status ConnectionPool::Ping() {
  return Run([](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec("SELECT 1");
    return absl::OkStatus();
  });
}

}  // namespace mc::pg
