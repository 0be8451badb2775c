// WebhookSender: sends one subscription's due changes (outbox rows), in order, as Standard
// Webhooks POSTs, and says what became of each. The workflow job (webhookDelivery) claims the
// rows, calls Send per endpoint, and records the outcomes; this class does no storage.
//
// Send(endpoint, changes):
//  - checks the endpoint's URL (url_guard.h: scheme, public addresses) and resolves its host
//    once; the POSTs go to those addresses only (pinned);
//  - groups the changes, in their order, into POSTs of up to endpoint.max_batch (at most 500):
//    max_batch <= 1 sends each change as a WebhookPayload, more sends WebhookBatch bodies
//    (webhook_payload.h), even for one change;
//  - each POST carries `webhook-id` (the change's id; "batch_" + the first item's for a batch),
//    `webhook-timestamp` (now, Unix seconds), `webhook-signature` (every secret in force now,
//    webhook_signer.h), `content-type: application/json` and `user-agent`;
//  - classifies each answer (webhook_retry_policy.h): Delivered; Retry after a backoff with
//    full jitter (one draw per POST, from the most tries any of its changes had); GiveUp for a
//    final answer (3xx, 4xx but 408 and 429), or when a change's first failure is older than
//    max_retry_age;
//  - keeps each event's order: once a change of an event is not delivered (a failed POST, or a
//    refusal before it), the later changes of the same event (queue, event id) are not sent in
//    this call: Retry after the same delay (backoff_base after a GiveUp), error_class "blocked",
//    message "an earlier change of this event is not delivered yet", attempted false.
// A refusal before any POST (the URL check fails: "dns" when the host does not resolve, else
// "other"; no secret in force, "other") is a failed try (attempted true) of the changes it
// concerns, retried like a failed POST. Outcome messages never contain a secret or the URL's
// path or query; a receiver's answer is cut to 200 bytes of clean text.
// Failure modes: none: every change gets an outcome. Thread-safe (no mutable state but the
// default random source, which is locked); concurrent Sends share the transport.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "execution-service/webhooks/url_guard.h"
#include "execution-service/webhooks/webhook_change.h"
#include "execution-service/webhooks/webhook_retry_policy.h"
#include "execution-service/webhooks/webhook_transport.h"

namespace mc::execution {

struct WebhookOutcome {
  int64_t outbox_id = 0;
  WebhookOutcomeKind kind = WebhookOutcomeKind::kRetry;
  absl::Duration next_delay;  // kRetry: try again this long after now
  // The metric class label (webhook_retry_policy.h), or "blocked" (held back, see above).
  std::string error_class;
  std::string message;     // for last_error; empty when delivered
  absl::Duration latency;  // of the POST that carried it (zero when none)
  int http_status = 0;     // 0 when no answer
  // Tried in this call (POSTed, or refused before the POST): count it in `sends`, and set
  // first_failed_at when it is not delivered and had none. false: held back, not tried.
  bool attempted = false;
};

struct WebhookSenderOptions {
  absl::Duration timeout = absl::Seconds(15);  // per POST
  absl::Duration max_retry_age = absl::Hours(24);
  absl::Duration backoff_base = absl::Seconds(5);
  absl::Duration backoff_cap = absl::Hours(1);
  std::function<absl::Time()> clock;  // unset: absl::Now
  std::function<double()> random;     // in [0, 1); unset: a seeded generator
  std::string user_agent = DefaultWebhookUserAgent();
  UrlGuardOptions url_guard;
  HostResolver resolve;  // unset: ResolveHost (getaddrinfo)
};

inline constexpr absl::string_view kBlockedClass = "blocked";
inline constexpr absl::string_view kBlockedMessage =
    "an earlier change of this event is not delivered yet";

class WebhookSender {
 public:
  WebhookSender(WebhookTransport& transport, WebhookSenderOptions options);

  // outcomes[i] is changes[i]'s.
  std::vector<WebhookOutcome> Send(const WebhookEndpoint& endpoint,
                                   std::vector<WebhookChange> changes);

 private:
  double Random();

  WebhookTransport& transport_;
  WebhookSenderOptions options_;
  std::mutex random_mu_;
  std::mt19937_64 generator_;
};

}  // namespace mc::execution
