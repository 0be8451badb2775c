// QueueCounts: how many events an execution instance's schema holds in its two queues, and how
// many of them are final (status 2..6), read on a connection of its own; AwaitAllFinal polls
// that until every stored event is final (the fault tests' "nothing left behind" wait).
//
// Failure modes: pqxx exceptions from the reads propagate (the server is expected up); a wait
// that times out returns its last read, which the caller checks. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace mc::e2e {

struct QueueCounts {
  int64_t stored = 0;
  int64_t final = 0;
};

// One read, in one snapshot, of `schema` on the server at `dsn`.
QueueCounts ReadQueueCounts(const std::string& dsn, const std::string& schema);

// Reads every 200 ms until final == stored and, when `expected` >= 0, stored == expected; or
// until `timeout`. Returns the last read.
QueueCounts AwaitAllFinal(const std::string& dsn, const std::string& schema, absl::Duration timeout,
                          int64_t expected = -1);

}  // namespace mc::e2e
