#include "control-service/archive_search/story_timeline.h"

#include <algorithm>
#include <cstddef>

namespace mc::control {
namespace {

constexpr int kPending = 0, kPendingDelivery = 1, kSent = 2, kDeliveryFailed = 4;

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
  bool bounced = false;
  for (const StoryRetry& r : s.retries) {
    if (r.kind == 1) bounced = true;
    if (r.kind != 0) continue;
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
                   .status = bounced ? kSent : s.log->status,
                   .try_number = s.log->tries,
                   .failure_type = bounced ? "" : s.log->failure_type,
                   .reason = bounced ? "" : s.log->failure_reason});
  }
  const size_t late_from = out.size();
  for (const StoryRetry& r : s.retries) {
    if (r.kind == 0) continue;
    out.push_back({.at = r.at,
                   .step = r.kind == 3 ? TimelineStep::kComplained : TimelineStep::kBounced,
                   .status = r.kind == 1 ? kDeliveryFailed : kSent,
                   .try_number = r.try_number,
                   .failure_type = r.kind == 3 ? "" : r.failure_type,
                   .reason = r.reason});
  }
  out.push_back({.at = s.finished, .step = TimelineStep::kFinal, .status = s.status});
  std::stable_sort(out.begin() + static_cast<std::ptrdiff_t>(late_from), out.end(),
                   [](const TimelineEntry& a, const TimelineEntry& b) { return a.at < b.at; });
  return out;
}

}  // namespace mc::control
