// Row: one result row read by column name, for the small mappers beside each statement
// (query.h): `Account FromRow(const pg::Row& r) { ... r.Get<std::string>("label") ... }`.
//
// Get<T> converts a column (libpqxx's conversions); a NULL or a value T cannot hold throws a
// libpqxx conversion error. Text() and the Optional/Or forms read NULL as empty or as the given
// value; Micros() reads a bigint of microseconds since the epoch, the form every statement here
// uses for timestamps. A column the row lacks throws std::out_of_range (see column_index.h).
// Thrown inside a pool's Run(), these become INTERNAL. A view: valid while its result and index
// are; not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/pg/column_index.h"

namespace mc::pg {

class Row {
 public:
  Row(const pqxx::row& row, const ColumnIndex& columns) : row_(row), columns_(columns) {}

  template <typename T>
  T Get(absl::string_view column) const {
    return Field(column).as<T>();
  }
  template <typename T>
  std::optional<T> Optional(absl::string_view column) const {
    const pqxx::field f = Field(column);
    if (f.is_null()) return std::nullopt;
    return f.as<T>();
  }
  template <typename T>
  T GetOr(absl::string_view column, T if_null) const {
    const pqxx::field f = Field(column);
    return f.is_null() ? if_null : f.as<T>();
  }
  bool IsNull(absl::string_view column) const { return Field(column).is_null(); }
  // NULL: "".
  std::string Text(absl::string_view column) const;
  absl::Time Micros(absl::string_view column) const;
  std::optional<absl::Time> OptionalMicros(absl::string_view column) const;

  // The value of a single-column row (Query<T> without a mapper).
  template <typename T>
  T Single() const {
    return row_[0].as<T>();
  }

 private:
  pqxx::field Field(absl::string_view column) const {
    return row_[static_cast<pqxx::row::size_type>(columns_.Find(column))];
  }

  const pqxx::row& row_;
  const ColumnIndex& columns_;
};

}  // namespace mc::pg
