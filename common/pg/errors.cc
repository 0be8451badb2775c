#include "common/pg/errors.h"

#include <pqxx/pqxx>
#include <string>

#include "absl/strings/str_cat.h"

namespace mc::pg {

bool IsLostConnection(const std::exception& e) {
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) return false;
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) return true;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string& state = sql->sqlstate();
    // 08: connection exception; 57P01-57P03: admin/crash shutdown, cannot connect now.
    return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03";
  }
  return false;
}

bool IsReadOnlyRefusal(const std::exception& e) {
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e);
  return sql != nullptr && sql->sqlstate() == "25006";
}

absl::Status StatusFromException(const std::exception& e) {
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return absl::UnavailableError(
        absl::StrCat("PostgreSQL connection lost during commit; outcome unknown: ", e.what()));
  }
  if (IsLostConnection(e)) {
    return absl::UnavailableError(absl::StrCat("PostgreSQL unavailable: ", e.what()));
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string& state = sql->sqlstate();
    if (state == "40001" || state == "40P01") {
      return absl::AbortedError(absl::StrCat("transaction conflict: ", e.what()));
    }
    if (state == "53300") {
      return absl::UnavailableError(
          absl::StrCat("PostgreSQL has too many connections: ", e.what()));
    }
    if (state.rfind("22", 0) == 0 || state.rfind("23", 0) == 0) {
      return absl::InvalidArgumentError(absl::StrCat("rejected by PostgreSQL: ", e.what()));
    }
    return absl::InternalError(absl::StrCat("PostgreSQL error ", state, ": ", e.what()));
  }
  return absl::InternalError(absl::StrCat("database error: ", e.what()));
}

}  // namespace mc::pg
