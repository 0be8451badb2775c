#include "common/pg/row.h"

namespace mc::pg {

std::string Row::Text(absl::string_view column) const {
  const pqxx::field f = Field(column);
  return f.is_null() ? std::string() : std::string(f.c_str(), f.size());
}

absl::Time Row::Micros(absl::string_view column) const {
  return absl::FromUnixMicros(Get<int64_t>(column));
}

std::optional<absl::Time> Row::OptionalMicros(absl::string_view column) const {
  const std::optional<int64_t> micros = Optional<int64_t>(column);
  if (!micros) return std::nullopt;
  return absl::FromUnixMicros(*micros);
}

}  // namespace mc::pg
