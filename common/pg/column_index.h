// ColumnIndex: the positions of a result's columns by name, looked up once per result.
//
// Made once per result (a few dozen bytes, no round trip); Find() starts at the column after
// the last one found, so a mapper reading its columns in SELECT order pays one comparison per
// column. A name the result lacks, or that two of its columns share, throws std::out_of_range
// naming the column and the statement: inside a pool's Run() that becomes INTERNAL (errors.h).
// Not thread-safe (the lookup hint is mutable): one per result, on one thread.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace mc::pg {

class ColumnIndex {
 public:
  // `result` and `statement` must outlive the index.
  ColumnIndex(const pqxx::result& result, const std::string& statement);

  int Find(absl::string_view name) const;

 private:
  std::vector<absl::string_view> names_;  // point into the result
  std::vector<bool> shared_;              // the name is not unique in the result
  const std::string& statement_;
  mutable size_t next_ = 0;
};

}  // namespace mc::pg
