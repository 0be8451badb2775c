#include "execution-service/events/queue_statements.h"

#include "absl/strings/str_replace.h"

namespace mc::execution {

std::string QueueSql(absl::string_view sql, Queue q) {
  return absl::StrReplaceAll(sql, {{"{T}", QueueTable(q)}, {"{Q}", absl::StrCat(QueueNumber(q))}});
}

}  // namespace mc::execution
