#include "common/pg/tx_options.h"

#include "absl/strings/str_cat.h"

namespace mc::pg {

TxOptions TxOptions::IfNone(absl::Status status) && {
  if_none_ = std::move(status);
  return std::move(*this);
}

TxOptions TxOptions::OnUniqueViolation(absl::Status status) && {
  on_unique_violation_ = [status = std::move(status)](absl::string_view) { return status; };
  return std::move(*this);
}

TxOptions TxOptions::OnUniqueViolation(UniqueViolationMapper mapper) && {
  on_unique_violation_ = std::move(mapper);
  return std::move(*this);
}

absl::Status TxOptions::NoRow(const Statement& statement) const {
  if (if_none_) return *if_none_;
  return absl::NotFoundError(absl::StrCat(statement.name(), " returned no row"));
}

absl::Status TxOptions::UniqueViolation(absl::string_view message) const {
  return on_unique_violation_(message);
}

}  // namespace mc::pg
