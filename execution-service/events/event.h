// Domain types of the execution instance's event queues (DOMAIN.md sections 3 and 4).
// Plain values: no I/O, no locking.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/personalisation/channel.h"
#include "execution-service/events/queue.h"

namespace mc::execution {

// The channels, shared with the control instance (templates name one).
using personalisation::Channel;
using personalisation::IsKnownChannel;

enum class EmailFormat { kUnknown = 0, kText = 1, kHtml = 2 };

// Stable numbers (DOMAIN.md section 4): never reorder.
enum class EventStatus {
  kPending = 0,
  kPendingDelivery = 1,
  kSent = 2,
  kIgnoredByDelivery = 3,
  kDeliveryFailed = 4,
  kNotTakenIntoAccount = 5,
  kExpired = 6,
  kCancelled = 7,  // CancelEvent took it while Pending: never sent
};
// How many statuses there are (0 to kCancelled): the size of arrays indexed by status number.
inline constexpr int kEventStatuses = 8;
absl::string_view StatusLabel(EventStatus s);  // ACC's label, e.g. "Pending delivery"

// An event as pushed. Empty strings mean "not given".
struct NewEvent {
  std::string type;
  std::string email;
  std::string mobile_phone;
  std::string device_token;
  int wished_channel = 0;  // raw, validated against Channel
  std::string external_id;
  std::string origin;
  std::string language;
  std::string country;
  int email_format = 0;  // raw, validated against EmailFormat
  std::optional<absl::Time> scheduled;
  std::optional<absl::Time> expiration;
  std::string ctx_json = "{}";  // a JSON object
};

struct StoredEvent {
  int64_t id = 0;
  Queue queue = Queue::kRealTime;
  NewEvent event;
  EventStatus status = EventStatus::kPending;
  absl::Time created;
  absl::Time updated;
};

// The outcome of storing one event.
struct InsertOutcome {
  int64_t id = 0;
  bool duplicate = false;  // an event with the same external id was already in the queue
};

struct EventFilter {
  std::optional<Queue> queue;  // nullopt: both queues
  std::optional<EventStatus> status;
  std::string type;  // empty: any
  std::optional<absl::Time> created_after;
  std::optional<absl::Time> created_before;
  // Empty: any. The address the event's channel uses, compared by its key (address_key.h).
  std::string address;
  std::string external_id;    // exact
  std::string template_name;  // the internal name of the template it was routed to
  int page_size = 100;
  int64_t before_id = 0;  // keyset cursor: ids below this one (0: from the newest)
};

struct EventPage {
  std::vector<StoredEvent> events;  // newest first
  int64_t next_before_id = 0;       // 0 on the last page
};

}  // namespace mc::execution
