// EventStory: what became of one event, as GetEvent tells it (messagecenter.v1.EventStory), and
// BuildStory(), the rule that makes it from what the instance stores (StoryFacts): the event
// row (routing, tries, next try, times), its delivery log (the try that ended delivery) and its
// delivery attempts (each soft failure tried again, migration 0008). Nothing is written for a
// story: it is read (EventRepository::GetStory) and made here.
//
// The story's fields:
//  - message_id: the log's, else the latest attempt's, else empty;
//  - tries: the tries handed to the channel's server: the log's try number, except when the log
//    says Ignored (the address was in quarantine or on the deny list: that try sent nothing),
//    else the event's tries (soft failures so far);
//  - next_try: while Pending delivery after a soft failure (tries > 0, no log yet), the event's
//    lease (its retry time);
//  - last failure: the log's (failure type and reason; Ignored has a reason and no type), else
//    the latest attempt's (soft), else, for an event made final when taken up, why (Expired:
//    soft; Not taken into account: no type);
//  - received, taken_up, handed_to_relay (the log's time, unless Ignored), finished (the last
//    update, once the status is final).
// The timeline, oldest first: RECEIVED; TAKEN_UP once routed (status Pending delivery, or the
// final status an event gets when taken up: Not taken into account, Expired, with its reason);
// one RETRIED per soft failure tried again; DELIVERY_OUTCOME from the log (the status it
// becomes; Sent for a message that bounced later: the relay accepted it); FINAL whenever the
// status is final (after updateEventStatus, or with TAKEN_UP for an event made final then, or
// with a hard bounce, or right after RECEIVED for a Cancelled event, with kCancelledReason: it
// has no failure, it was never tried); BOUNCED and COMPLAINED for what came back after the relay
// accepted the message (late outcomes, inbound/late_outcome.h). Entries are in time order, so a
// soft bounce or a complaint comes after FINAL; a hard bounce's FINAL (Delivery failed) comes after
// it. Pure; plain values: thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "execution-service/events/event.h"

namespace mc::execution {

// The numbers of messagecenter.v1.FailureType and TimelineStep.
enum class FailureType { kNone = 0, kHard = 1, kSoft = 2 };
enum class TimelineStep {
  kReceived = 1,
  kTakenUp = 2,
  kRetried = 3,
  kDeliveryOutcome = 4,
  kFinal = 5,
  kBounced = 6,
  kComplained = 7,
};

// "hard" / "soft" as the schema stores them; anything else: kNone.
FailureType FailureTypeFromText(absl::string_view text);

// Why an event was made final when taken up (the webhooks of the routing statement give the
// same words, processing/processing_repository.cc).
inline constexpr absl::string_view kNotTakenReason =
    "no template published for its event type and channel";
inline constexpr absl::string_view kExpiredBeforeTakenUpReason = "expired before it was taken up";
// Why a Cancelled event was not sent: its FINAL entry's reason and its webhook's
// (events/event_repository.cc).
inline constexpr absl::string_view kCancelledReason =
    "cancelled (CancelEvent) before it was taken up";

struct TimelineEntry {
  absl::Time at;
  TimelineStep step = TimelineStep::kReceived;
  EventStatus status = EventStatus::kPending;  // after this step
  int try_number = 0;                          // RETRIED, DELIVERY_OUTCOME
  FailureType failure_type = FailureType::kNone;
  std::string reason;
  std::optional<absl::Time> next_try;  // RETRIED
};

struct EventStory {
  std::string template_name;  // empty until routed, or when none was published
  int template_version = 0;
  std::string template_language;  // the language variant its message was rendered from
  int channel = 0;
  std::string address;  // as given
  std::string message_id;
  int tries = 0;
  std::optional<absl::Time> next_try;
  FailureType last_failure_type = FailureType::kNone;
  std::string last_failure_reason;
  absl::Time received;
  std::optional<absl::Time> taken_up;
  std::optional<absl::Time> handed_to_relay;
  std::optional<absl::Time> finished;
  std::vector<TimelineEntry> timeline;
};

struct EventWithStory {
  StoredEvent event;
  EventStory story;
};

// The delivery log's columns (delivery_logs).
struct StoredDeliveryLog {
  EventStatus status = EventStatus::kSent;
  std::string failure_type;  // "", "hard" or "soft"
  std::string failure_reason;
  int tries = 0;
  std::string message_id;
  std::string template_language;  // the variant rendered ("": the default parts)
  absl::Time at;                  // created_at: when the relay answered
  // Set when a late hard bounce rewrote the log (status Delivery failed, failure hard, the
  // report's reason): the relay had accepted the message.
  std::optional<absl::Time> bounced_at;
};

// One delivery_attempts row: a soft failure tried again (kind 0), or what came back after the
// relay accepted the message: a hard bounce (1), a soft bounce (2), a complaint (3).
struct StoredAttempt {
  int kind = 0;
  int try_number = 0;
  std::string failure_type;  // "soft" (the schema allows "hard")
  std::string reason;
  std::string message_id;
  absl::Time tried_at;
  std::optional<absl::Time> next_try_at;
};

// What the event row holds beyond StoredEvent, with its log and attempts.
struct StoryFacts {
  std::string template_name;  // templates.internal_name of template_id; empty when none
  int template_version = 0;
  int tries = 0;  // the event's: soft failures tried again
  std::optional<absl::Time> routed_at;
  std::optional<absl::Time> lease_until;
  std::optional<StoredDeliveryLog> log;
  std::vector<StoredAttempt> attempts;  // by try number
};

bool IsFinal(EventStatus status);  // 2 to 7

EventStory BuildStory(const StoredEvent& event, const StoryFacts& facts);

}  // namespace mc::execution
