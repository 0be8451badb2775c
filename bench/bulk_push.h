// Phase (a)'s load and its end, shared by delivery_bench's (a) and the webhook phase (w):
// BuildBulkPush makes `events` real-time events (make_event(first_n + i)) into PushEvents
// requests of `batch` for `streams` streams, before any clock starts; PushBulk sends each
// stream's requests one after the other from its own thread and channel, all streams at once,
// and returns when every call was answered. WaitAllSent polls every 50 ms until no real-time
// event of the schema is Pending or Pending delivery (two probes of the partial indexes).
// SettleDatabase runs VACUUM ANALYZE and a CHECKPOINT: what earlier phases left to clean up and
// write out is not measured by the next one.
// Failure modes: a failed PushEvents is printed on stderr and its events counted as failed;
// WaitAllSent returns false after a minute without a new mail; pqxx exceptions when PostgreSQL
// is unreachable (a benchmark stops on them). Call from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "messagecenter/v1/events.pb.h"

namespace mc::bench {

struct BulkPush {
  std::vector<std::vector<messagecenter::v1::PushEventsRequest>> per_stream;
  int64_t events = 0;
};

BulkPush BuildBulkPush(const std::function<messagecenter::v1::Event(int64_t)>& make_event,
                       int64_t events, int streams, int batch, int64_t first_n);

struct BulkPushResult {
  absl::Time start, pushed;  // the first call's start, the last answer
  int64_t accepted = 0, failed = 0;
};

BulkPushResult PushBulk(const std::string& address, const std::string& token, const BulkPush& push);

bool WaitAllSent(const std::string& dsn, const std::string& schema,
                 const std::function<size_t()>& mails);

// Real-time events of the schema in status Sent.
int64_t CountSent(const std::string& dsn, const std::string& schema);

void SettleDatabase(const std::string& dsn);

}  // namespace mc::bench
