// WebhookReceiver: what a receiver of status webhooks does with each POST, apart from HTTP (the
// delivery benchmark and mc-local feed it from a loopback WebhookSink, Attach):
//  - checks the Standard Webhooks signature and timestamp (webhook_signature.h) on the raw body
//    before reading it: a failure is counted, kept as last_error and answered 401 (the sender
//    gives such a webhook up);
//  - parses the body: a WebhookPayload, or a WebhookBatch when the `webhook-id` starts with
//    "batch_" (proto/messagecenter/v1/webhooks.proto); a body that is neither is counted and
//    answered 400;
//  - drops duplicates by each webhook's own data.webhook_id (at-least-once delivery), counting
//    them;
//  - for each new webhook: a tally by status, the arrival time of the newest, and, when asked
//    (Options), the change it reports (instance, event, status) and its latency: the time the
//    request was read minus the change time the payload carries (`timestamp`). Both clocks are
//    this machine's when the instance and its PostgreSQL run here.
// Also measured: this thread's CPU time in Handle (checks and parsing), so a benchmark can say
// what the receiver itself cost.
// Failure modes: none (every request gets an answer). Thread-safe: the sink calls Handle from
// one thread per connection.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "common/sinks/webhook_sink.h"

namespace mc::webhook_receiver {

struct ReceivedChange {
  std::string instance_id;
  int64_t event_id = 0;
  int status = 0;  // messagecenter.v1.EventStatus
};

struct ReceiverCounts {
  int64_t posts = 0;                           // requests handled
  int64_t webhooks = 0;                        // webhooks in accepted requests, duplicates included
  int64_t unique = 0;                          // distinct webhook ids
  int64_t duplicates = 0;                      // webhooks whose id came before
  int64_t bad_signatures = 0;                  // refused: signature or timestamp (401)
  int64_t unparsable = 0;                      // refused: signed, but not a payload or batch (400)
  std::map<int, int64_t> by_status;            // unique webhooks per messagecenter.v1.EventStatus
  absl::Time last_new = absl::InfinitePast();  // when the newest unique webhook was read
  absl::Duration cpu;                          // thread CPU time spent in Handle
  std::string last_error;                      // the newest refusal's reason
};

class WebhookReceiver {
 public:
  struct Options {
    std::string key;  // the subscription's key bytes (WebhookKeyOf its secret)
    absl::Duration tolerance = absl::Minutes(5);
    bool keep_latencies = false;  // TakeLatencies
    bool keep_changes = false;    // TakeChanges
  };

  explicit WebhookReceiver(Options options) : options_(std::move(options)) {}

  // Makes `sink` answer every request through Handle (its responder).
  void Attach(sinks::WebhookSink& sink);

  // Handles one request read at `received`; returns the HTTP status to answer.
  int Handle(const sinks::WebhookSink::Request& request, absl::Time received);

  ReceiverCounts counts() const;
  int64_t unique() const { return unique_.load(); }  // cheap, for polling
  // The latencies / changes of the unique webhooks since the last call (when kept).
  std::vector<absl::Duration> TakeLatencies();
  std::vector<ReceivedChange> TakeChanges();

 private:
  void Refuse(int64_t ReceiverCounts::*counter, std::string reason, absl::Duration cpu_start);

  const Options options_;
  std::atomic<int64_t> unique_{0};
  mutable std::mutex mu_;
  ReceiverCounts counts_;
  absl::flat_hash_set<std::string> seen_;
  std::vector<absl::Duration> latencies_;
  std::vector<ReceivedChange> changes_;
};

}  // namespace mc::webhook_receiver
