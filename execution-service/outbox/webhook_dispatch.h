// WebhookDispatch: how webhookDelivery sends one endpoint's share of a run (the webhook sender,
// execution-service/webhooks/, implements it over HTTP; tests use a small fake). Send() gets
// the changes in the order they are to be sent and returns one outcome per change, in any
// order, each naming its outbox row.
// Failure modes: none: a failure is an outcome (kRetry, kGiveUp). Implementations are
// thread-safe: webhookDelivery sends to several endpoints, and to one endpoint from several
// threads, at once.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "execution-service/outbox/outbox_store.h"
#include "execution-service/webhooks/webhook_change.h"

namespace mc::execution {

struct DispatchOutcome {
  WebhookResult result;     // event_id, outbox_id, kind, delay, error
  std::string error_class;  // for mc_webhooks_failed_total: "5xx", "timeout", ... ("" if sent)
  int http_status = 0;      // 0 when no response came
};

class WebhookDispatch {
 public:
  virtual ~WebhookDispatch() = default;
  virtual std::vector<DispatchOutcome> Send(const WebhookEndpoint& endpoint,
                                            const std::vector<WebhookChange>& changes) = 0;
};

}  // namespace mc::execution
