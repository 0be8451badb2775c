// Domain types of status webhooks (proto/messagecenter/v1/webhooks.proto): one outbox row to
// send (WebhookChange), a signing secret, and a subscription as the sender needs it
// (WebhookEndpoint). Storage builds them; WebhookSender (webhook_sender.h) sends them.
// Plain values: no I/O, no locking. A SigningSecret holds key bytes: never log one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "execution-service/events/event.h"
#include "execution-service/events/queue.h"

namespace mc::execution {

// One outbox row to send.
struct WebhookChange {
  int64_t outbox_id = 0;
  // Stable across retries and replays, e.g. "wh_<schema>_<event_id>_<outbox_id>" (built by
  // storage). Receivers drop duplicates by it.
  std::string webhook_id;
  Queue queue = Queue::kRealTime;
  int64_t event_id = 0;
  // true: a soft failure tried again (payload type "event.attempt"); false: a status change
  // ("event.status").
  bool attempt = false;
  EventStatus status = EventStatus::kPending;
  std::string event_type;
  std::string external_id;
  std::string failure_type;  // "", "hard" or "soft"
  std::string reason;
  std::string template_name;
  int template_version = 0;
  std::string message_id;
  int try_number = 0;
  std::optional<absl::Time> next_try;
  absl::Time changed_at;
  std::string instance_id;
  int sends = 0;                              // POSTs already made for it
  std::optional<absl::Time> first_failed_at;  // first failed POST, if any
};

struct SigningSecret {
  std::string key;                    // the decoded bytes (ParseWebhookSecret)
  std::optional<absl::Time> expires;  // unset: in force until replaced
};

// One subscription as the sender needs it.
struct WebhookEndpoint {
  std::string subscription;  // its name
  std::string url;
  int max_batch = 1;  // changes per POST: <= 1 sends WebhookPayload, more sends WebhookBatch
  std::vector<SigningSecret> secrets;
};

// At most this many changes in one WebhookBatch (webhooks.proto).
inline constexpr int kMaxWebhookBatch = 500;

}  // namespace mc::execution
