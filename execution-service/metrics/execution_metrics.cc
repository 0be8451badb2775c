#include "execution-service/metrics/execution_metrics.h"

namespace mc::execution {
namespace {

constexpr int kChannelNumbers[] = {0, 1, 41, 42};
constexpr const char* kOutcomeNames[] = {"sent", "ignored", "failed_hard", "failed_soft"};

std::string Label(absl::string_view v) { return std::string(v); }

}  // namespace

ExecutionMetrics::ExecutionMetrics(prometheus::Registry& registry)
    // From 50 ms to an hour: real-time mail within seconds, retries and batch backlogs longer.
    : buckets_({0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600}),
      workflow_runs_(prometheus::BuildCounter()
                         .Name("mc_workflow_runs_total")
                         .Help("Technical workflow runs that processed events or failed")
                         .Register(registry)),
      workflow_errors_(prometheus::BuildCounter()
                           .Name("mc_workflow_errors_total")
                           .Help("Technical workflow errors: failed runs and events a run could "
                                 "not complete (as the workflow's error count)")
                           .Register(registry)) {
  auto& received = prometheus::BuildCounter()
                       .Name("mc_events_received_total")
                       .Help(
                           "Events accepted by PushEvent/PushEvents and stored (duplicates "
                           "of an external id excluded)")
                       .Register(registry);
  auto& finished = prometheus::BuildCounter()
                       .Name("mc_events_finished_total")
                       .Help("Events that reached a final status")
                       .Register(registry);
  auto& queue_events = prometheus::BuildGauge()
                           .Name("mc_queue_events")
                           .Help("Events waiting in a queue, by status (sampled from PostgreSQL)")
                           .Register(registry);
  auto& outcomes = prometheus::BuildCounter()
                       .Name("mc_delivery_outcomes_total")
                       .Help(
                           "Delivery outcomes per channel: sent, ignored (quarantine or deny "
                           "list), failed_hard, failed_soft (retried or tries exhausted)")
                       .Register(registry);
  auto& latency = prometheus::BuildHistogram()
                      .Name("mc_delivery_latency_seconds")
                      .Help("From an event's reception to its message handed to the relay")
                      .Register(registry);
  for (Queue q : kQueues) {
    const int lane = LaneOf(q);
    const std::string queue = Label(QueueName(q));
    received_[lane] = &received.Add({{"queue", queue}});
    for (int s = 0; s < kFinalStatuses; ++s) {
      const auto status = static_cast<EventStatus>(s + static_cast<int>(EventStatus::kSent));
      finished_[lane][s] = &finished.Add({{"queue", queue}, {"status", Label(StatusName(status))}});
    }
    for (EventStatus s : {EventStatus::kPending, EventStatus::kPendingDelivery}) {
      queue_events_[lane][static_cast<int>(s)] =
          &queue_events.Add({{"queue", queue}, {"status", Label(StatusName(s))}});
    }
    latency_[lane] = &latency.Add({{"queue", queue}}, buckets_);
  }
  for (int c = 0; c < kChannels; ++c) {
    for (int o = 0; o < kOutcomes; ++o) {
      outcomes_[c][o] = &outcomes.Add(
          {{"channel", Label(ChannelName(kChannelNumbers[c]))}, {"outcome", kOutcomeNames[o]}});
    }
  }
}

void ExecutionMetrics::EventsFinished(Queue queue, EventStatus status, int64_t n) {
  const int s = static_cast<int>(status) - static_cast<int>(EventStatus::kSent);
  if (s < 0 || s >= kFinalStatuses || n <= 0) return;
  finished_[LaneOf(queue)][s]->Increment(static_cast<double>(n));
}

void ExecutionMetrics::SetQueueEvents(Queue queue, EventStatus status, int64_t n) {
  const int s = static_cast<int>(status);
  if (s < 0 || s > 1) return;
  queue_events_[LaneOf(queue)][s]->Set(static_cast<double>(n));
}

void ExecutionMetrics::DeliveryOutcomes(int channel, DeliveryOutcome outcome, int64_t n) {
  const int c = ChannelIndex(channel);
  if (c < 0 || n <= 0) return;
  outcomes_[c][static_cast<int>(outcome)]->Increment(static_cast<double>(n));
}

void ExecutionMetrics::DeliveryOutcomes(const OutcomeTally& tally) {
  for (int c = 0; c < kChannels; ++c) {
    for (int o = 0; o < kOutcomes; ++o) {
      if (tally.n_[c][o] > 0) outcomes_[c][o]->Increment(static_cast<double>(tally.n_[c][o]));
    }
  }
}

ExecutionMetrics::WorkflowCounters ExecutionMetrics::ForWorkflow(const std::string& name) {
  return {workflow_runs_.Add({{"workflow", name}}), workflow_errors_.Add({{"workflow", name}})};
}

absl::string_view ExecutionMetrics::StatusName(EventStatus status) {
  switch (status) {
    case EventStatus::kPending:
      return "pending";
    case EventStatus::kPendingDelivery:
      return "pending_delivery";
    case EventStatus::kSent:
      return "sent";
    case EventStatus::kIgnoredByDelivery:
      return "ignored";
    case EventStatus::kDeliveryFailed:
      return "delivery_failed";
    case EventStatus::kNotTakenIntoAccount:
      return "not_taken_into_account";
    case EventStatus::kExpired:
      return "expired";
    case EventStatus::kCancelled:
      return "cancelled";
  }
  return "";
}

absl::string_view ExecutionMetrics::ChannelName(int channel) {
  switch (channel) {
    case 0:
      return "email";
    case 1:
      return "sms";
    case 41:
      return "ios";
    case 42:
      return "android";
  }
  return "";
}

int ExecutionMetrics::ChannelIndex(int channel) {
  for (int c = 0; c < kChannels; ++c) {
    if (kChannelNumbers[c] == channel) return c;
  }
  return -1;
}

}  // namespace mc::execution
