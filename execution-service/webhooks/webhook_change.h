// Domain types of status webhooks: one change to send (a webhook_outbox row), the signing
// secrets and the endpoint of a subscription. Plain values: no I/O, no locking.
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
  std::string webhook_id;  // stable: "wh_<schema>_<event_id>_<outbox_id>"
  Queue queue = Queue::kRealTime;
  int64_t event_id = 0;
  bool attempt = false;  // a soft failure retried ("event.attempt"), else "event.status"
  EventStatus status = EventStatus::kPending;
  std::string event_type, external_id, failure_type /* "", "hard", "soft" */, reason;
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
  std::string key;  // decoded bytes
  std::optional<absl::Time> expires;
};

// One subscription as the sender needs it.
struct WebhookEndpoint {
  std::string subscription;
  std::string url;
  int max_batch = 1;
  std::vector<SigningSecret> secrets;
};

}  // namespace mc::execution
