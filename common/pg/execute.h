// The typed statement layer's entry points: registering statements with a pool and running
// them, each call one unit of work on a pooled connection, results as absl::StatusOr.
//
//   Prepare(pool, kA, kB, ...)             registers statements (or ranges of them, e.g. a pair
//                                          per queue) that every connection prepares once;
//   FetchOne(pool, query, options, args)   the first row as T; no row: options.NoRow();
//   FetchAll(pool, query, options, args)   every row as T;
//   Execute(pool, statement, options, args) the rows affected;
//   Transact(pool, options, body)          body(Transaction&) -> Status or StatusOr<R>, committed
//                                          when it returns OK, rolled back otherwise;
//   WithConnection(pool, body)             body(pqxx::connection&) -> Status or StatusOr<R>, for
//                                          work Transaction does not cover.
// Each is ConnectionPool::Run underneath: lost connections and conflicts are retried there,
// every libpqxx exception becomes a status there (connection_pool.h, errors.h), and a body may
// run more than once, so it must not have side effects outside its transaction. Options:
// tx_options.h (transaction kind, no-row status, unique violations). Thread-safe as the pool.
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/pg/connection_pool.h"
#include "common/pg/query.h"
#include "common/pg/statement.h"
#include "common/pg/transaction.h"
#include "common/pg/tx_options.h"

namespace mc::pg {
namespace internal {

inline const absl::Status& StatusOf(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

inline void PrepareOne(ConnectionPool& pool, const Statement& statement) {
  pool.Prepare(statement.name(), statement.sql());
}
template <typename Range>
requires requires(const Range& r) { r.begin(); }
void PrepareOne(ConnectionPool& pool, const Range& statements) {
  for (const Statement& s : statements) PrepareOne(pool, s);
}

}  // namespace internal

template <typename... Statements>
void Prepare(ConnectionPool& pool, const Statements&... statements) {
  (internal::PrepareOne(pool, statements), ...);
}

template <typename Body>
auto WithConnection(ConnectionPool& pool, Body&& body)
    -> std::invoke_result_t<Body&, pqxx::connection&> {
  using Result = std::invoke_result_t<Body&, pqxx::connection&>;
  if constexpr (std::is_same_v<Result, absl::Status>) {
    return pool.Run([&](pqxx::connection& c) { return body(c); });
  } else {
    std::optional<Result> out;
    const absl::Status s = pool.Run([&](pqxx::connection& c) -> absl::Status {
      out.emplace(body(c));
      return out->status();
    });
    if (!s.ok()) return s;
    return std::move(*out);
  }
}

template <typename Body>
auto Transact(ConnectionPool& pool, const TxOptions& options, Body&& body)
    -> std::invoke_result_t<Body&, Transaction&> {
  using Result = std::invoke_result_t<Body&, Transaction&>;
  return WithConnection(pool, [&](pqxx::connection& c) -> Result {
    try {
      Transaction tx(c, options.mode());
      Result out = body(tx);
      if (internal::StatusOf(out).ok()) tx.Commit();
      return out;
    } catch (const pqxx::unique_violation& e) {
      if (!options.MapsUniqueViolation()) throw;
      return options.UniqueViolation(e.what());
    }
  });
}

template <typename T, typename... Args>
[[nodiscard]] absl::StatusOr<T> FetchOne(ConnectionPool& pool, const Query<T>& query,
                                         const TxOptions& options, const Args&... args) {
  absl::StatusOr<std::optional<T>> row =
      Transact(pool, options, [&](Transaction& tx) -> absl::StatusOr<std::optional<T>> {
        return tx.FetchOptional(query, args...);
      });
  if (!row.ok()) return row.status();
  if (!row->has_value()) return options.NoRow(query);
  return std::move(**row);
}

template <typename T, typename... Args>
[[nodiscard]] absl::StatusOr<std::vector<T>> FetchAll(ConnectionPool& pool, const Query<T>& query,
                                                      const TxOptions& options,
                                                      const Args&... args) {
  return Transact(pool, options, [&](Transaction& tx) -> absl::StatusOr<std::vector<T>> {
    return tx.FetchAll(query, args...);
  });
}

template <typename... Args>
[[nodiscard]] absl::StatusOr<int64_t> Execute(ConnectionPool& pool, const Statement& statement,
                                              const TxOptions& options, const Args&... args) {
  return Transact(pool, options, [&](Transaction& tx) -> absl::StatusOr<int64_t> {
    return tx.Execute(statement, args...);
  });
}

}  // namespace mc::pg
