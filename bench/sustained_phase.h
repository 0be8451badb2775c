// RunSustained: delivery_bench's sustained phase (s). A steady push of real-time events at a
// target rate through a running execution service, for a duration or an event count, with each
// request built just before it is sent (the bench's memory stays flat whatever the volume).
// Every 10 s it prints the window's events pushed and events that reached Sent (pushed and
// acknowledged minus those still Pending or Pending delivery, read through the two partial
// indexes, so the probe stays cheap at any table size); at the end the mean rate, the worst
// full window, the checkpoints (by time, forced by WAL volume), per table the row versions per
// event (pg_stat_user_tables over the run), dead tuples and sizes, and the bench's own peak RSS.
// With purge_events > 0 it first pushes that many events, waits for them to be Sent, exports
// and acknowledges them as the control instance would (InitializeInstance, ExportArchive up to
// caught_up, then one more ExportArchive whose `after` is the last cursor), closes that
// batch's storage period (mc_rotate_partitions, as the maintenance job would), and calls
// InstanceService.Purge (retention 1 s) purge_after_seconds into the run: it prints how long the
// purge took, the rate while it ran against the rate of the windows without it, and the
// database's size before and after it.
// Returns false when a count does not match (a push failed, Sent or mails differ from what was
// pushed, or the purge did not delete exactly what was archived).
// Failure modes: pqxx exceptions when PostgreSQL is unreachable. Call from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "messagecenter/v1/events.pb.h"

namespace mc::bench {

struct SustainedOptions {
  int rate = 20000;      // events/s pushed
  int seconds = 60;      // how long, unless events > 0
  int events = 0;        // how many (0: for `seconds`)
  int streams = 4;       // client streams
  int batch = 500;       // events per PushEvents call
  int purge_events = 0;  // archived beforehand and purged during the run (0: no purge)
  int purge_after_seconds = 10;
  // Wait before each statistics snapshot: a backend that flushed its counters less than a
  // second ago flushes the rest only after 10 s idle (PostgreSQL 15's PGSTAT_IDLE_INTERVAL).
  int stats_settle_seconds = 11;
};

struct SustainedTarget {
  std::string address;  // the execution service
  std::string token;    // an admin bearer token
  std::string dsn;
  std::string schema;             // the service's schema
  std::function<size_t()> mails;  // messages the SMTP sink accepted so far
  std::function<messagecenter::v1::Event(int64_t)> make_event;
};

bool RunSustained(const SustainedTarget& target, const SustainedOptions& o);

}  // namespace mc::bench
