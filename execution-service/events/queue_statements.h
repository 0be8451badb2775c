// A statement's per-queue forms, its SQL written once with placeholders and expanded for each
// queue: {T} the queue's table, {Q} its number (queue.h); its name gets the queue's suffix
// ("route" -> "route_rt", "route_batch"). Made once, as constants (common/pg/statement.h).
// Pure, thread-safe.
#pragma once

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/pg/query.h"
#include "common/pg/row.h"
#include "common/pg/statement.h"
#include "execution-service/events/per_queue.h"
#include "execution-service/events/queue.h"

namespace mc::execution {

std::string QueueSql(absl::string_view sql, Queue q);

inline std::string QueueStatementName(absl::string_view name, Queue q) {
  return absl::StrCat(name, "_", QueueName(q));
}

inline PerQueue<pg::Statement> QueueStatements(absl::string_view name, absl::string_view sql) {
  return PerQueue<pg::Statement>(
      [&](Queue q) { return pg::Statement(QueueStatementName(name, q), QueueSql(sql, q)); });
}

template <typename T>
PerQueue<pg::Query<T>> QueueQueries(absl::string_view name, absl::string_view sql,
                                    T (*mapper)(const pg::Row&)) {
  return PerQueue<pg::Query<T>>(
      [&](Queue q) { return pg::Query<T>(QueueStatementName(name, q), QueueSql(sql, q), mapper); });
}

// Statements whose rows have a single column of a scalar T.
template <typename T>
PerQueue<pg::Query<T>> QueueQueries(absl::string_view name, absl::string_view sql) {
  return PerQueue<pg::Query<T>>(
      [&](Queue q) { return pg::Query<T>(QueueStatementName(name, q), QueueSql(sql, q)); });
}

}  // namespace mc::execution
