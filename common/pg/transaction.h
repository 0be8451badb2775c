// Transaction: several statements in one transaction on a pooled connection, run by their
// Statement / Query<T> constants. Made by pg::Transact (execute.h), which also commits; made
// directly only inside ConnectionPool::Run (e.g. to try one transaction, then another on the
// same connection).
//
// FetchAll/FetchOptional/FetchOne map rows through the query's mapper; Execute returns the rows
// affected. Database errors are libpqxx exceptions, which the pool's Run() turns into a status
// (connection_pool.h, errors.h), so a body stays a straight list of statements. FetchOne throws
// std::runtime_error (INTERNAL once caught by the pool) when there is no row: for statements
// that always return one (count(*), INSERT ... RETURNING). A transaction not committed is
// rolled back when destroyed. Not thread-safe: one transaction, one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/pg/column_index.h"
#include "common/pg/query.h"
#include "common/pg/row.h"
#include "common/pg/statement.h"
#include "common/pg/tx_options.h"

namespace mc::pg {

class Transaction {
 public:
  Transaction(pqxx::connection& connection, TxMode mode);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  template <typename T, typename... Args>
  std::vector<T> FetchAll(const Query<T>& query, const Args&... args) {
    const pqxx::result r = tx_->exec_prepared(query.name(), args...);
    const ColumnIndex columns(r, query.name());
    std::vector<T> out;
    out.reserve(r.size());
    for (const pqxx::row& row : r) out.push_back(query.Map(Row(row, columns)));
    return out;
  }

  template <typename T, typename... Args>
  std::optional<T> FetchOptional(const Query<T>& query, const Args&... args) {
    const pqxx::result r = tx_->exec_prepared(query.name(), args...);
    if (r.empty()) return std::nullopt;
    const ColumnIndex columns(r, query.name());
    return query.Map(Row(r[0], columns));
  }

  template <typename T, typename... Args>
  T FetchOne(const Query<T>& query, const Args&... args) {
    std::optional<T> row = FetchOptional(query, args...);
    if (!row) throw std::runtime_error(query.name() + " returned no row");
    return std::move(*row);
  }

  template <typename... Args>
  int64_t Execute(const Statement& statement, const Args&... args) {
    return static_cast<int64_t>(tx_->exec_prepared(statement.name(), args...).affected_rows());
  }

  // SET LOCAL <setting>, e.g. "plan_cache_mode = force_custom_plan" (not a prepared statement:
  // PostgreSQL prepares no SET).
  void SetLocal(absl::string_view setting);

  void Commit();

  // The libpqxx transaction, for what this class does not wrap (COPY through pqxx::stream_to).
  pqxx::transaction_base& pqxx() { return *tx_; }

 private:
  std::unique_ptr<pqxx::transaction_base> tx_;
};

}  // namespace mc::pg
