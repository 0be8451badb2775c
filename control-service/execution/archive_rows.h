// What an archiving run copies from an execution instance (DOMAIN.md section 6), as the
// ExecutionGateway hands it over: final events with their delivery log and retried soft
// failures, quarantined addresses with their history, and the export cursor. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace mc::control {

// A place in the execution instance's export order (xid, queue, id); zero is the beginning.
struct ArchiveCursor {
  uint64_t xid = 0;
  int queue = 0;
  int64_t id = 0;
};

struct ArchivedDeliveryLog {
  int64_t id = 0;
  int channel = 0;
  std::string address;
  int status = 0;
  std::string failure_type, failure_reason;
  int tries = 0;
  std::string message_id;
  int template_version = 0;
  absl::Time logged;
};

// A soft failure that was tried again: the try that failed ("soft"), the server's reply, when
// it failed and when the next try was due.
// A retried soft failure (kind 0), a late hard bounce (1), soft bounce (2) or complaint (3).
struct ArchivedRetry {
  int kind = 0;
  int try_number = 0;
  std::string failure_type, reason;
  absl::Time at;
  std::optional<absl::Time> next_try;
};

struct ArchivedEvent {
  int64_t id = 0;
  int queue = 0;
  std::string event_type;
  int channel = 0;
  std::string address, external_id;
  int status = 0;
  std::string template_name;
  int template_version = 0;
  int tries = 0;
  absl::Time created;
  std::optional<absl::Time> routed;
  absl::Time finished;
  std::optional<ArchivedDeliveryLog> log;
  std::vector<ArchivedRetry> retries;  // oldest first
  std::string message_id;              // the delivery log's
};

struct ArchivePage {
  std::string instance_id;
  std::vector<ArchivedEvent> events;
  ArchiveCursor next;
  bool caught_up = false;
};

// A suppression-list entry with its history (messagecenter.v1.QuarantinedAddress), removed ones
// too. From an instance older than that history, ExecutionClient fills it in as such an instance
// held it: a hard quarantine or deny entry that suppresses, first and last seen and changed when
// it was created.
struct QuarantinedAddress {
  int channel = 0;
  std::string address, kind, reason;  // kind: "quarantine" or "deny"
  absl::Time created;
  std::string failure_type;  // "hard", "soft" or "" (deny)
  int errors = 0;
  absl::Time first_seen, last_seen;
  std::optional<absl::Time> expires;  // soft entries
  bool active = true;                 // a soft entry has reached the threshold
  int event_queue = 0;                // the event that caused it; 0: none
  int64_t event_id = 0;
  std::optional<absl::Time> removed;
  std::string changed_by;
  absl::Time changed_at;
};

}  // namespace mc::control
