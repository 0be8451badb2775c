// RunVerpPhase: delivery_bench's return-path phase (v): what signed VERP return paths
// (--bounce_domain, with the bounce listener on) cost phase (a)'s throughput.
//
// Two execution services on the same throwaway PostgreSQL, started here with the same flags
// (`service_args`) on schemas of their own: "plain" without a bounce domain, "verp" with
// --bounce_domain=bounces.bench.test and --bounce_listen on a free loopback port. The same
// template is published on both. `rounds` rounds, each of one (a) measurement on each service
// (`events` events pushed as phase (a) pushes them, BulkPush: requests built first, `streams`
// streams of `batch`, until every event is Sent), on a settled database (VACUUM ANALYZE,
// CHECKPOINT); odd rounds measure plain first, even rounds verp first, so a drift of the machine
// weighs on both alike. Prints every measurement, each round's ratio verp/plain, and the
// median, min and max of the ratios (the spread: this machine is shared). Checks that every
// mail of a verp measurement went out with a return path on the bounce domain and every plain
// one without (`verp_mails`: mails the sink accepted whose MAIL FROM is on it).
// Returns false when a count does not match. Failure modes: a service that does not start
// (printed, false); pqxx exceptions when PostgreSQL is unreachable. Call from one thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "messagecenter/v1/events.pb.h"

namespace mc::bench {

inline constexpr char kBenchBounceDomain[] = "bounces.bench.test";

struct VerpPhaseOptions {
  int events = 50000;
  int streams = 4;
  int batch = 500;
  int rounds = 3;
};

struct VerpPhaseTarget {
  std::string binary;                     // execution-service
  std::vector<std::string> service_args;  // every flag but --schema and the bounce flags
  std::string token;
  std::string dsn;
  std::string log_dir;
  std::function<size_t()> mails;       // messages the SMTP sink accepted so far
  std::function<size_t()> verp_mails;  // of those, with a return path on kBenchBounceDomain
  std::function<messagecenter::v1::Event(int64_t)> make_event;
  std::function<bool(const std::string& address)> publish;  // the template, on one service
};

bool RunVerpPhase(const VerpPhaseTarget& target, const VerpPhaseOptions& options);

}  // namespace mc::bench
