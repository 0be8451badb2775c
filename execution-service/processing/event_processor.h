// EventProcessor: the job of rtEventsProcessing and batchEventsProcessing, one per queue.
//
// One run: claim and route a batch (DeliveryStore::ClaimAndRoute), render each routed event
// with its template (compiled once, TemplateSource; the variant for its language, the sender,
// the attachments: MessageAssembly, whose script heap is this worker's), hand the messages to their
// channel's ChannelSender (email and SMS at once), then record the outcomes in one call
// (DeliveryStore::RecordOutcomes). What becomes of each event is DeliveryPolicy's decision
// (processing/delivery_policy.h):
//  - sent -> log "Sent";
//  - address in quarantine or deny list (compared by key: an email's domain in any case,
//    events/address_key.h) -> log "Ignored by the delivery", nothing sent;
//  - hard failure (permanent 5xx, provider refusal) -> log "Delivery failed" (hard); when the
//    refusal names the address (5xx to RCPT, a refused number) its key goes into quarantine;
//  - its template with code failing for it (a budget, a throw), an attachment missing or refused
//    -> log "Delivery failed" (hard, the reason naming the part); an attachment's server
//    unreachable -> a soft failure;
//  - soft failure -> retried after a back-off (retry_base * 2^tries, at most an hour) until
//    max_tries or the event's expiration run out, then log "Expired" (soft, last reason), as
//    DOMAIN.md defines Expired: tries exhausted or past its expiration.
// Metrics (execution_metrics.h), once a run's outcomes are recorded: events made final by the
// routing (not taken into account, expired), each delivery outcome, and for each message sent
// the time from the event's reception to the end of its batch's sending.
// Every event that reaches delivery ends with exactly one delivery log (the logs' unique key
// wins any race between replicas). A replica killed mid-run leaves its events Pending delivery
// under a lease: when it runs out, another replica delivers them again.
// Failure modes: a run fails (nothing recorded) when the claim fails, when the templates are
// UNAVAILABLE, when no thread can be started for the second channel (RESOURCE_EXHAUSTED), or
// when the outcomes cannot be recorded (the lease sends those messages again later).
// Thread-safe enough for its runner: RunOnce and WaitForWork are called from one thread.
#pragma once

#include <functional>
#include <string>

#include "common/log/logger.h"
#include "common/pg/listener.h"
#include "execution-service/delivery/channel_sender.h"
#include "execution-service/metrics/execution_metrics.h"
#include "execution-service/processing/delivery_policy.h"
#include "execution-service/processing/delivery_store.h"
#include "execution-service/processing/message_assembly.h"
#include "execution-service/templates/template_source.h"
#include "execution-service/workflows/local_signal.h"
#include "execution-service/workflows/workflow_runner.h"

namespace mc::execution {

struct ProcessorOptions {
  int batch_size = 500;
  absl::Duration lease = absl::Seconds(60);
  int max_tries = 5;
  absl::Duration retry_base = absl::Seconds(30);
  std::string message_id_domain = "messagecenter.local";
  const ReturnPaths* return_paths = nullptr;  // see DeliveryPolicyOptions
  MessageAssemblyOptions assembly;            // render budgets, attachments
};

class EventProcessor final : public WorkflowJob {
 public:
  // `listener` (may be null; may be shared by the lane's processors, and must outlive them)
  // wakes the job when events arrive; else it polls (its runner's idle wait: --batch_poll_ms
  // for the batch lane), in a wait that Wake() ends.
  // `delivered` is called after outcomes are recorded (to wake updateEventStatus).
  EventProcessor(Queue queue, DeliveryStore& store, TemplateSource& templates, ChannelSender& email,
                 ChannelSender& sms, ProcessorOptions options, pg::Listener* listener,
                 std::function<void()> delivered, ExecutionMetrics& metrics, log::Logger& logger);

  [[nodiscard]] absl::StatusOr<JobRun> RunOnce() override;
  void WaitForWork(absl::Duration max) override;
  void Wake() override { woken_.Notify(); }

 private:
  struct Delivery;      // one run's messages and outcomes (event_processor.cc)
  struct ChannelBatch;  // what one channel sends in a run

  [[nodiscard]] absl::Status Prepare(Delivery& d);
  [[nodiscard]] absl::Status Send(Delivery& d);
  void Decide(Delivery& d, const ChannelBatch& batch, absl::Duration sending);
  void Apply(Delivery& d, DeliveryDecision decision, int channel);
  [[nodiscard]] absl::Status Record(const Delivery& d);
  void LogOutcomes(const Delivery& d);

  const Queue queue_;
  DeliveryStore& store_;
  TemplateSource& templates_;
  ChannelSender& email_;
  ChannelSender& sms_;
  const ProcessorOptions options_;
  const DeliveryPolicy policy_;
  MessageAssembly assembly_{options_.assembly};  // its script heap is this worker's
  pg::Listener* const listener_;
  LocalSignal woken_;  // the poll's wait, without a listener
  std::function<void()> delivered_;
  ExecutionMetrics& metrics_;
  log::Logger& logger_;
};

}  // namespace mc::execution
