// ExecutionMetrics: the execution instance's Prometheus metric families, registered in the
// process's registry (common/metrics) and passed by reference to the logic that moves them:
//   mc_events_received_total{queue}               events stored by PushEvent/PushEvents
//                                                 (duplicates of an external id not counted)
//   mc_events_finished_total{queue,status}        events reaching a final status: sent, ignored,
//                                                 delivery_failed, not_taken_into_account,
//                                                 expired, cancelled (CancelEvent)
//   mc_queue_events{queue,status}                 events pending / pending_delivery (sampled)
//   mc_delivery_outcomes_total{channel,outcome}   sent, ignored, failed_hard, failed_soft per
//                                                 channel email, sms, ios, android
//   mc_delivery_latency_seconds{queue}            event received -> message handed to the relay
//   mc_workflow_runs_total{workflow}              runs that did something, or failed
//   mc_workflow_errors_total{workflow}            as the workflow's error count: failed runs,
//                                                 and events a run could not complete
// queue is "rt" or "batch". Every series of a known label set exists from the start (at 0).
//
// Failure modes: none; unknown channel numbers are not counted. Thread-safe, and cheap on the
// hot paths: label sets are resolved once, updates are atomic adds (a histogram takes its lock
// once per batch, see common/metrics/histogram_batch.h).
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "common/metrics/histogram_batch.h"
#include "execution-service/events/event.h"

namespace mc::execution {

enum class DeliveryOutcome { kSent = 0, kIgnored = 1, kFailedHard = 2, kFailedSoft = 3 };

class ExecutionMetrics {
 public:
  explicit ExecutionMetrics(prometheus::Registry& registry);
  ExecutionMetrics(const ExecutionMetrics&) = delete;
  ExecutionMetrics& operator=(const ExecutionMetrics&) = delete;

  void EventsReceived(Queue queue, int64_t n) { received_[LaneOf(queue)]->Increment(n); }
  // `status` final (kSent..kCancelled); others are ignored.
  void EventsFinished(Queue queue, EventStatus status, int64_t n);
  // `status` kPending or kPendingDelivery; others are ignored.
  void SetQueueEvents(Queue queue, EventStatus status, int64_t n);
  void DeliveryOutcomes(int channel, DeliveryOutcome outcome, int64_t n);

  // Outcomes gathered during one run (no allocation), added with one call once recorded.
  class OutcomeTally {
   public:
    void Add(int channel, DeliveryOutcome outcome) {
      if (int c = ChannelIndex(channel); c >= 0) ++n_[c][static_cast<int>(outcome)];
    }

   private:
    friend class ExecutionMetrics;
    int64_t n_[4][4] = {};
  };
  void DeliveryOutcomes(const OutcomeTally& tally);

  // The latency histogram's bucket boundaries, for a metrics::HistogramBatch.
  const prometheus::Histogram::BucketBoundaries& latency_buckets() const { return buckets_; }
  // Adds a run's latencies (seconds) and empties `batch`.
  void ObserveDeliveryLatency(Queue queue, metrics::HistogramBatch& batch) {
    batch.FlushTo(*latency_[LaneOf(queue)]);
  }

  struct WorkflowCounters {
    prometheus::Counter& runs;
    prometheus::Counter& errors;
  };
  // The counters of one workflow (resolve once, then update freely).
  WorkflowCounters ForWorkflow(const std::string& name);

  // Label values: "pending", "pending_delivery", "sent", "ignored", "delivery_failed",
  // "not_taken_into_account", "expired", "cancelled".
  static absl::string_view StatusName(EventStatus status);
  // "email", "sms", "ios", "android"; "" for an unknown channel.
  static absl::string_view ChannelName(int channel);

 private:
  static constexpr int kFinalStatuses = 6, kChannels = 4, kOutcomes = 4;
  static int ChannelIndex(int channel);

  const prometheus::Histogram::BucketBoundaries buckets_;
  prometheus::Family<prometheus::Counter>& workflow_runs_;
  prometheus::Family<prometheus::Counter>& workflow_errors_;
  std::array<prometheus::Counter*, kLanes> received_{};
  std::array<std::array<prometheus::Counter*, kFinalStatuses>, kLanes> finished_{};
  std::array<std::array<prometheus::Gauge*, 2>, kLanes> queue_events_{};
  std::array<std::array<prometheus::Counter*, kOutcomes>, kChannels> outcomes_{};
  std::array<prometheus::Histogram*, kLanes> latency_{};
};

}  // namespace mc::execution
