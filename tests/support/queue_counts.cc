#include "tests/support/queue_counts.h"

#include <chrono>
#include <pqxx/pqxx>
#include <thread>

#include "absl/time/clock.h"

namespace mc::e2e {

QueueCounts ReadQueueCounts(const std::string& dsn, const std::string& schema) {
  pqxx::connection c(dsn);
  pqxx::read_transaction tx(c);
  tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
  const pqxx::row r = tx.exec1(
      "SELECT (SELECT count(*) FROM rt_events) + (SELECT count(*) FROM batch_events), "
      "(SELECT count(*) FROM rt_events WHERE status >= 2) + "
      "(SELECT count(*) FROM batch_events WHERE status >= 2)");
  return {.stored = r[0].as<int64_t>(), .final = r[1].as<int64_t>()};
}

QueueCounts AwaitAllFinal(const std::string& dsn, const std::string& schema, absl::Duration timeout,
                          int64_t expected) {
  const absl::Time deadline = absl::Now() + timeout;
  QueueCounts counts = ReadQueueCounts(dsn, schema);
  while ((counts.final != counts.stored || (expected >= 0 && counts.stored != expected)) &&
         absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    counts = ReadQueueCounts(dsn, schema);
  }
  return counts;
}

}  // namespace mc::e2e
