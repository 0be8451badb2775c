#include "control-service/archive_search/story_timeline.h"

namespace mc::control {
namespace {

constexpr int kPending = 0, kPendingDelivery = 1;

}  // namespace

std::vector<TimelineEntry> StoryTimeline(const ArchivedStory& s) {
  std::vector<TimelineEntry> out;
  out.push_back({.at = s.received, .step = TimelineStep::kReceived, .status = kPending});
  const bool reached_delivery = s.log.has_value() || !s.retries.empty();
  if (s.taken_up) {
    out.push_back({.at = *s.taken_up,
                   .step = TimelineStep::kTakenUp,
                   .status = reached_delivery ? kPendingDelivery : s.status});
  }
  for (const StoryRetry& r : s.retries) {
    out.push_back({.at = r.at,
                   .step = TimelineStep::kRetried,
                   .status = kPendingDelivery,
                   .try_number = r.try_number,
                   .failure_type = r.failure_type,
                   .reason = r.reason,
                   .next_try = r.next_try});
  }
  if (s.log) {
    out.push_back({.at = s.log->logged,
                   .step = TimelineStep::kDeliveryOutcome,
                   .status = s.log->status,
                   .try_number = s.log->tries,
                   .failure_type = s.log->failure_type,
                   .reason = s.log->failure_reason});
  }
  out.push_back({.at = s.finished, .step = TimelineStep::kFinal, .status = s.status});
  return out;
}

}  // namespace mc::control
