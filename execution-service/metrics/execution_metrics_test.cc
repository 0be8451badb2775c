#include "execution-service/metrics/execution_metrics.h"

#include <catch2/catch.hpp>

#include "common/metrics/metrics.h"

namespace mc::execution {
namespace {

bool Has(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST_CASE("every series exists from the start, under the names the dashboards use") {
  metrics::Metrics m;
  ExecutionMetrics em(m.registry());
  em.ForWorkflow("rtEventsProcessing");
  const std::string text = m.Render();
  CHECK(Has(text, "mc_events_received_total{queue=\"rt\"} 0"));
  CHECK(Has(text, "mc_events_received_total{queue=\"batch\"} 0"));
  for (const char* status :
       {"sent", "ignored", "delivery_failed", "not_taken_into_account", "expired", "cancelled"}) {
    INFO(status);
    CHECK(Has(text, std::string("mc_events_finished_total{queue=\"batch\",status=\"") + status +
                        "\"} 0"));
  }
  CHECK(Has(text, "mc_queue_events{queue=\"rt\",status=\"pending\"} 0"));
  CHECK(Has(text, "mc_queue_events{queue=\"batch\",status=\"pending_delivery\"} 0"));
  for (const char* channel : {"email", "sms", "ios", "android"}) {
    for (const char* outcome : {"sent", "ignored", "failed_hard", "failed_soft"}) {
      INFO(channel << " " << outcome);
      CHECK(Has(text, std::string("mc_delivery_outcomes_total{channel=\"") + channel +
                          "\",outcome=\"" + outcome + "\"} 0"));
    }
  }
  CHECK(Has(text, "mc_delivery_latency_seconds_count{queue=\"rt\"} 0"));
  CHECK(Has(text, "mc_delivery_latency_seconds_bucket{queue=\"rt\",le=\"+Inf\"} 0"));
  CHECK(Has(text, "mc_workflow_runs_total{workflow=\"rtEventsProcessing\"} 0"));
  CHECK(Has(text, "mc_workflow_errors_total{workflow=\"rtEventsProcessing\"} 0"));
}

TEST_CASE("updates land on their label set; out-of-range values are ignored") {
  metrics::Metrics m;
  ExecutionMetrics em(m.registry());
  em.EventsReceived(Queue::kBatch, 3);
  em.EventsFinished(Queue::kRealTime, EventStatus::kSent, 2);
  em.EventsFinished(Queue::kRealTime, EventStatus::kNotTakenIntoAccount, 1);
  em.EventsFinished(Queue::kRealTime, EventStatus::kPending, 5);  // not final
  em.EventsFinished(Queue::kBatch, EventStatus::kCancelled, 3);
  em.SetQueueEvents(Queue::kRealTime, EventStatus::kPendingDelivery, 7);
  em.SetQueueEvents(Queue::kRealTime, EventStatus::kSent, 9);  // not a queue status
  em.DeliveryOutcomes(1, DeliveryOutcome::kFailedSoft, 4);
  em.DeliveryOutcomes(99, DeliveryOutcome::kSent, 1);  // unknown channel
  metrics::HistogramBatch batch(em.latency_buckets());
  batch.Add(0.2);
  batch.Add(42);
  em.ObserveDeliveryLatency(Queue::kRealTime, batch);
  ExecutionMetrics::WorkflowCounters wf = em.ForWorkflow("updateEventStatus");
  wf.runs.Increment();
  wf.errors.Increment(2);
  const std::string text = m.Render();
  CHECK(Has(text, "mc_events_received_total{queue=\"batch\"} 3"));
  CHECK(Has(text, "mc_events_finished_total{queue=\"rt\",status=\"sent\"} 2"));
  CHECK(Has(text, "mc_events_finished_total{queue=\"rt\",status=\"not_taken_into_account\"} 1"));
  CHECK(Has(text, "mc_events_finished_total{queue=\"batch\",status=\"cancelled\"} 3"));
  CHECK(text.find("status=\"pending\"} 5") == std::string::npos);
  CHECK(Has(text, "mc_queue_events{queue=\"rt\",status=\"pending_delivery\"} 7"));
  CHECK(text.find("status=\"sent\"} 9") == std::string::npos);
  CHECK(Has(text, "mc_delivery_outcomes_total{channel=\"sms\",outcome=\"failed_soft\"} 4"));
  CHECK(Has(text, "mc_delivery_latency_seconds_count{queue=\"rt\"} 2"));
  CHECK(Has(text, "mc_delivery_latency_seconds_bucket{queue=\"rt\",le=\"0.25\"} 1"));
  CHECK(Has(text, "mc_delivery_latency_seconds_bucket{queue=\"rt\",le=\"60\"} 2"));
  CHECK(Has(text, "mc_workflow_runs_total{workflow=\"updateEventStatus\"} 1"));
  CHECK(Has(text, "mc_workflow_errors_total{workflow=\"updateEventStatus\"} 2"));
}

}  // namespace
}  // namespace mc::execution
