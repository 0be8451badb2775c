// WebhookDelivery: the job of webhookDelivery, the fourth technical workflow: sends the status
// webhooks of the outbox.
//
// One run: the enabled endpoints (OutboxStore::Endpoints), a claim of up to `batch_size` due
// webhooks under a lease (at most one per event and subscription: status order), then per
// endpoint its webhooks split by event into up to `endpoint_concurrency` shares sent at once
// (WebhookDispatch), all endpoints at once; then every outcome and each endpoint's result
// recorded in one call. An endpoint failing without a success for `pause_after` is paused by
// the store; an operator resumes it (nothing queued for it is dropped meanwhile).
// Metrics (webhook_metrics.h): sent with the latency from the status change, failed POSTs by
// class, given up. An endpoint whose run had failures and no success is logged, at most once a
// minute.
// Failure modes: a run fails (nothing recorded) when the claim, the endpoints or the record
// fail: the claimed webhooks are sent again once their lease ran out (at least once; the
// webhook-id lets receivers drop the duplicate). A claimed webhook whose subscription was just
// deleted or disabled is not sent (due again later; a delete gave it up already).
// Thread-safe enough for its runner: RunOnce and WaitForWork from one thread, Wake from any.
#pragma once

#include <map>
#include <string>

#include "absl/time/time.h"
#include "common/log/logger.h"
#include "execution-service/outbox/outbox_store.h"
#include "execution-service/outbox/webhook_dispatch.h"
#include "execution-service/outbox/webhook_metrics.h"
#include "execution-service/workflows/local_signal.h"
#include "execution-service/workflows/workflow_runner.h"

namespace mc::execution {

struct WebhookDeliveryOptions {
  int batch_size = 500;
  // Longer than the sends of one run can take (POST timeout times the POSTs of one share).
  absl::Duration lease = absl::Minutes(5);
  int endpoint_concurrency = 4;
  absl::Duration pause_after = absl::Hours(1);
};

class WebhookDelivery final : public WorkflowJob {
 public:
  // `wake` is notified by the workflows that change statuses on this replica.
  WebhookDelivery(OutboxStore& store, WebhookDispatch& dispatch, WebhookDeliveryOptions options,
                  LocalSignal& wake, WebhookMetrics& metrics, log::Logger& logger);

  [[nodiscard]] absl::StatusOr<JobRun> RunOnce() override;
  void WaitForWork(absl::Duration max) override { wake_.Wait(max); }
  void Wake() override { wake_.Notify(); }

 private:
  OutboxStore& store_;
  WebhookDispatch& dispatch_;
  const WebhookDeliveryOptions options_;
  LocalSignal& wake_;
  WebhookMetrics& metrics_;
  log::Logger& logger_;
  std::map<std::string, absl::Time> warned_;  // last warning per failing endpoint (run thread)
};

}  // namespace mc::execution
