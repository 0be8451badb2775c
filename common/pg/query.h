// Query<T>: a Statement whose rows are read into T by a small mapper, by column name.
//
// The mapper is a function `T (const Row&)` beside the statement (see row.h); the statement's
// SQL names every column it returns (aliases where an expression has none), so a moved column
// never shifts the others. A Query of a scalar T (integer, floating point, bool, string) without
// a mapper reads the single column of its rows. Running one: execute.h (one statement, its own
// transaction) or Transaction (several in one). Like Statement, a constant: immutable,
// thread-safe, trivially destructible.
#pragma once

#include <string>
#include <type_traits>

#include "absl/strings/string_view.h"
#include "common/pg/row.h"
#include "common/pg/statement.h"

namespace mc::pg {

template <typename T>
class Query : public Statement {
 public:
  using Mapper = T (*)(const Row&);

  Query(absl::string_view name, absl::string_view sql, Mapper mapper)
      : Statement(name, sql), mapper_(mapper) {}

  // Rows of a single column.
  Query(absl::string_view name,
        absl::string_view sql) requires(std::is_arithmetic_v<T> || std::is_same_v<T, std::string>)
      : Statement(name, sql), mapper_([](const Row& row) { return row.Single<T>(); }) {}

  T Map(const Row& row) const { return mapper_(row); }

 private:
  Mapper mapper_;
};

}  // namespace mc::pg
