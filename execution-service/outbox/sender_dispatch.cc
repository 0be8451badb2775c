#include "execution-service/outbox/sender_dispatch.h"

namespace mc::execution {
namespace {

WebhookResult::Kind KindOf(const WebhookOutcome& o) {
  switch (o.kind) {
    case WebhookOutcomeKind::kDelivered:
      return WebhookResult::Kind::kDelivered;
    case WebhookOutcomeKind::kGiveUp:
      return WebhookResult::Kind::kGiveUp;
    case WebhookOutcomeKind::kRetry:
      break;
  }
  return o.attempted ? WebhookResult::Kind::kRetry : WebhookResult::Kind::kHeld;
}

}  // namespace

std::vector<DispatchOutcome> SenderDispatch::Send(const WebhookEndpoint& endpoint,
                                                  const std::vector<WebhookChange>& changes) {
  const std::vector<WebhookOutcome> outcomes = sender_.Send(endpoint, changes);
  std::vector<DispatchOutcome> out;
  out.reserve(outcomes.size());
  for (size_t i = 0; i < outcomes.size() && i < changes.size(); ++i) {
    const WebhookOutcome& o = outcomes[i];
    const WebhookResult::Kind kind = KindOf(o);
    out.push_back(
        {.result = {.event_id = changes[i].event_id,
                    .outbox_id = o.outbox_id,
                    .kind = kind,
                    .delay = o.next_delay,
                    .error = o.message},
         .error_class = kind == WebhookResult::Kind::kRetry || kind == WebhookResult::Kind::kGiveUp
                            ? o.error_class
                            : "",
         .http_status = o.http_status});
  }
  return out;
}

}  // namespace mc::execution
