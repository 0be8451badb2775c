#include "common/pg/statement.h"

namespace mc::pg {

Statement::Statement(absl::string_view name, absl::string_view sql)
    : text_(new Text{std::string(name), std::string(sql)}) {}

}  // namespace mc::pg
