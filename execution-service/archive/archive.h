// Domain types of the archive export, the purge and the instance's identity (DOMAIN.md sections
// 2, 6 and 7; proto/messagecenter/v1/instance.proto), and the rules on them that need no I/O:
// cursor order, the per-queue id thresholds of a cursor, identifier syntax.
// Plain values and pure functions: thread-safe.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "execution-service/events/event.h"
#include "execution-service/workflows/workflow.h"

namespace mc::execution {

// A place in the export order (final_xid, queue, id): the transaction that made an event final,
// then its queue number (1 real-time, 2 batch), then its id. The zero cursor is before every
// event. Compares in export order.
struct ArchiveCursor {
  uint64_t xid = 0;
  int queue = 0;
  int64_t id = 0;

  auto operator<=>(const ArchiveCursor&) const = default;
};

// The events of `queue` after `cursor` are exactly those with
// (final_xid, id) > (cursor.xid, ArchiveIdThreshold(cursor, queue)); those at or before it,
// (final_xid, id) <= (cursor.xid, threshold). One row comparison per table, so each table's
// (final_xid, id) index answers it.
int64_t ArchiveIdThreshold(const ArchiveCursor& cursor, Queue queue);

// INVALID_ARGUMENT "<field>: ..." unless queue is 0, 1 or 2 and id is not negative.
[[nodiscard]] absl::Status ValidateArchiveCursor(const ArchiveCursor& cursor,
                                                 absl::string_view field);

// The execution-instance identifier: 1 to 64 characters, letters, digits, '_', '-', '.'.
// INVALID_ARGUMENT "instance_id: ..." otherwise.
[[nodiscard]] absl::Status ValidateInstanceId(absl::string_view id);

// The delivery log of an archived event.
struct ArchivedDeliveryLog {
  int64_t id = 0;
  int channel = 0;
  std::string address;
  EventStatus status = EventStatus::kSent;  // kSent, kIgnoredByDelivery, kDeliveryFailed, kExpired
  std::string failure_type;                 // "", "hard" or "soft"
  std::string failure_reason;
  int tries = 0;
  std::string message_id;
  int template_version = 0;
  absl::Time logged;
};

// A soft failure that was tried again (delivery_attempts, migration 0008): the try that failed,
// the server's reply, when it failed and when the next try was due.
// A delivery attempt besides the try that ended delivery: a soft failure tried again (kind 0),
// or what came back after the relay accepted the message: a hard bounce (1), a soft bounce (2),
// a complaint (3) (delivery_attempts, migration 0009).
struct ArchivedRetry {
  int kind = 0;
  int try_number = 0;        // from 1
  std::string failure_type;  // "soft"; "hard" for a hard bounce
  std::string reason;
  absl::Time tried;
  std::optional<absl::Time> next_try;
};

// An event in a final status, as the control instance archives it.
struct ArchivedEvent {
  int64_t id = 0;
  Queue queue = Queue::kRealTime;
  std::string event_type;
  int channel = 0;
  std::string address;  // email, mobile phone or device token, after the channel
  std::string external_id;
  EventStatus status = EventStatus::kSent;
  std::string template_internal_name;  // empty when never linked to a template
  int template_version = 0;
  int tries = 0;  // delivery tries made (the delivery log's count when there is one)
  absl::Time created;
  std::optional<absl::Time> routed;  // first taken up by a processing workflow
  absl::Time finished;               // reached its final status
  std::optional<ArchivedDeliveryLog> delivery_log;
  ArchiveCursor cursor;
  std::vector<ArchivedRetry> retries;  // oldest first; the try that ended delivery is the log
  std::string message_id;              // the delivery log's; empty without one
};

struct ArchivePage {
  std::string instance_id;
  std::vector<ArchivedEvent> events;  // in export order
  ArchiveCursor next;                 // the last event's cursor; the request's when empty
  bool caught_up = false;             // shorter than the page size: nothing more for now
};

struct ArchiveExportRequest {
  ArchiveCursor after;  // also the acknowledgement of everything at or before it
  int page_size = 0;    // 1 to 5000; 0: 1000
  int max_pages = 0;    // 0: until caught up
  // When set, the instance must carry this identifier (else nothing is acknowledged).
  std::string expected_instance_id;
};

// A suppression-list entry as the control archives it, with its history (removed ones too, so
// that a removal reaches the archive).
struct QuarantinedAddress {
  int channel = 0;
  std::string address;
  std::string kind;  // "quarantine" or "deny"
  std::string reason;
  absl::Time created;
  std::string failure_type;  // "hard", "soft" or "" (deny)
  int errors = 0;
  absl::Time first_seen, last_seen;
  std::optional<absl::Time> expires;
  bool active = true;
  int event_queue = 0;  // the event that caused it; 0: none
  int64_t event_id = 0;
  std::optional<absl::Time> removed;
  std::string changed_by;
  absl::Time changed_at;
};

struct QuarantinePage {
  std::string instance_id;
  std::vector<QuarantinedAddress> addresses;  // ordered by (channel, address)
};

struct PurgeCounts {
  int64_t events_deleted = 0;
  int64_t delivery_logs_deleted = 0;
};

struct InstanceInfo {
  std::string version;
  std::string instance_id;  // empty until stamped
  std::string schema;
  std::vector<WorkflowInfo> workflows;
  bool workflows_started = false;  // all three technical workflows started
};

}  // namespace mc::execution
