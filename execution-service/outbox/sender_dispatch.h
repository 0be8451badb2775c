// SenderDispatch: webhookDelivery's WebhookDispatch over the webhook sender
// (execution-service/webhooks/webhook_sender.h): one endpoint's changes posted as Standard
// Webhooks, each outcome mapped onto what the outbox records (a change held back because an
// earlier change of its event was not delivered is kHeld: not counted as a send).
// Failure modes: none (every change gets an outcome). Thread-safe (as WebhookSender).
#pragma once

#include "execution-service/outbox/webhook_dispatch.h"
#include "execution-service/webhooks/webhook_sender.h"

namespace mc::execution {

class SenderDispatch final : public WebhookDispatch {
 public:
  explicit SenderDispatch(WebhookSender& sender) : sender_(sender) {}

  std::vector<DispatchOutcome> Send(const WebhookEndpoint& endpoint,
                                    const std::vector<WebhookChange>& changes) override;

 private:
  WebhookSender& sender_;
};

}  // namespace mc::execution
