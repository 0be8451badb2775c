#include "common/pg/column_index.h"

#include <stdexcept>

#include "absl/strings/str_cat.h"

namespace mc::pg {

ColumnIndex::ColumnIndex(const pqxx::result& result, const std::string& statement)
    : statement_(statement) {
  const size_t n = result.columns();
  names_.reserve(n);
  shared_.assign(n, false);
  for (size_t i = 0; i < n; ++i) {
    names_.emplace_back(result.column_name(static_cast<pqxx::row::size_type>(i)));
    for (size_t j = 0; j < i; ++j) {
      if (names_[j] == names_[i]) shared_[i] = shared_[j] = true;
    }
  }
}

int ColumnIndex::Find(absl::string_view name) const {
  const size_t n = names_.size();
  for (size_t k = 0; k < n; ++k) {
    const size_t i = (next_ + k) % n;
    if (names_[i] != name) continue;
    if (shared_[i]) {
      throw std::out_of_range(
          absl::StrCat("column '", name, "' is not unique in the rows of ", statement_));
    }
    next_ = i + 1;
    return static_cast<int>(i);
  }
  throw std::out_of_range(absl::StrCat("no column '", name, "' in the rows of ", statement_));
}

}  // namespace mc::pg
