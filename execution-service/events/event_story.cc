#include "execution-service/events/event_story.h"

#include <algorithm>
#include <cstddef>

#include "execution-service/events/address_key.h"

namespace mc::execution {

FailureType FailureTypeFromText(absl::string_view text) {
  if (text == "hard") return FailureType::kHard;
  if (text == "soft") return FailureType::kSoft;
  return FailureType::kNone;
}

bool IsFinal(EventStatus status) {
  return static_cast<int>(status) >= static_cast<int>(EventStatus::kSent) &&
         static_cast<int>(status) <= static_cast<int>(EventStatus::kCancelled);
}

EventStory BuildStory(const StoredEvent& e, const StoryFacts& f) {
  EventStory s;
  s.template_name = f.template_name;
  s.template_version = f.template_version;
  s.channel = e.event.wished_channel;
  s.address = std::string(ChannelAddress(e.event));
  s.received = e.created;
  s.taken_up = f.routed_at;
  const bool final = IsFinal(e.status);
  if (final) s.finished = e.updated;

  // The latest failure among the attempts (a complaint is not one).
  const StoredAttempt* last_attempt = nullptr;
  for (const StoredAttempt& a : f.attempts) {
    if (a.kind != 3) last_attempt = &a;
  }
  const std::optional<StoredDeliveryLog>& log = f.log;
  const bool ignored = log && log->status == EventStatus::kIgnoredByDelivery;
  // Final without a log: made final when taken up (no template, or already expired).
  const bool final_when_taken_up =
      !log && (e.status == EventStatus::kNotTakenIntoAccount || e.status == EventStatus::kExpired);

  if (log) s.template_language = log->template_language;
  if (log && !log->message_id.empty()) {
    s.message_id = log->message_id;
  } else if (last_attempt != nullptr) {
    s.message_id = last_attempt->message_id;
  }
  s.tries = log && !ignored ? log->tries : f.tries;
  if (e.status == EventStatus::kPendingDelivery && f.tries > 0 && !log) s.next_try = f.lease_until;
  if (log && !ignored) s.handed_to_relay = log->at;

  FailureType taken_up_type = FailureType::kNone;
  std::string taken_up_reason;
  if (final_when_taken_up) {
    const bool expired = e.status == EventStatus::kExpired;
    taken_up_type = expired ? FailureType::kSoft : FailureType::kNone;
    taken_up_reason = std::string(expired ? kExpiredBeforeTakenUpReason : kNotTakenReason);
  }
  if (log && (!log->failure_type.empty() || !log->failure_reason.empty())) {
    s.last_failure_type = FailureTypeFromText(log->failure_type);
    s.last_failure_reason = log->failure_reason;
  } else if (last_attempt != nullptr) {
    s.last_failure_type = FailureTypeFromText(last_attempt->failure_type);
    s.last_failure_reason = last_attempt->reason;
  } else if (final_when_taken_up) {
    s.last_failure_type = taken_up_type;
    s.last_failure_reason = taken_up_reason;
  }

  s.timeline.push_back({.at = e.created, .step = TimelineStep::kReceived});
  if (f.routed_at) {
    s.timeline.push_back({.at = *f.routed_at,
                          .step = TimelineStep::kTakenUp,
                          .status = final_when_taken_up ? e.status : EventStatus::kPendingDelivery,
                          .failure_type = taken_up_type,
                          .reason = taken_up_reason});
  }
  for (const StoredAttempt& a : f.attempts) {
    if (a.kind != 0) continue;  // after the log, below
    s.timeline.push_back({.at = a.tried_at,
                          .step = TimelineStep::kRetried,
                          .status = EventStatus::kPendingDelivery,
                          .try_number = a.try_number,
                          .failure_type = FailureTypeFromText(a.failure_type),
                          .reason = a.reason,
                          .next_try = a.next_try_at});
  }
  if (log) {
    // A message that bounced later was accepted by the relay: that is its outcome then.
    const bool bounced = log->bounced_at.has_value();
    s.timeline.push_back(
        {.at = log->at,
         .step = TimelineStep::kDeliveryOutcome,
         .status = bounced ? EventStatus::kSent : log->status,
         .try_number = log->tries,
         .failure_type = bounced ? FailureType::kNone : FailureTypeFromText(log->failure_type),
         .reason = bounced ? "" : log->failure_reason});
  }
  const size_t late_from = s.timeline.size();
  for (const StoredAttempt& a : f.attempts) {
    if (a.kind == 0) continue;
    const bool hard = a.kind == 1;
    s.timeline.push_back(
        {.at = a.tried_at,
         .step = a.kind == 3 ? TimelineStep::kComplained : TimelineStep::kBounced,
         .status = hard ? EventStatus::kDeliveryFailed : EventStatus::kSent,
         .try_number = a.try_number,
         .failure_type = a.kind == 3 ? FailureType::kNone : FailureTypeFromText(a.failure_type),
         .reason = a.reason});
  }
  if (final) {
    s.timeline.push_back(
        {.at = e.updated,
         .step = TimelineStep::kFinal,
         .status = e.status,
         .reason = e.status == EventStatus::kCancelled ? std::string(kCancelledReason) : ""});
  }
  // Late entries and FINAL in time order (a soft bounce after FINAL, a hard bounce before its
  // FINAL: same time, kept in this order).
  std::stable_sort(s.timeline.begin() + static_cast<std::ptrdiff_t>(late_from), s.timeline.end(),
                   [](const TimelineEntry& a, const TimelineEntry& b) { return a.at < b.at; });
  return s;
}

}  // namespace mc::execution
