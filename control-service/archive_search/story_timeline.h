// StoryTimeline: an archived event's timeline, oldest first, from what the archive holds of it:
// RECEIVED (Pending), TAKEN_UP when a processing workflow took it up (Pending delivery, or its
// final status when it was made final at once: not taken into account, expired), one RETRIED
// per soft failure tried again (Pending delivery, with the next try's time), DELIVERY_OUTCOME
// from its delivery log (the status the log gave; Sent for a message that bounced later: the
// relay accepted it), BOUNCED / COMPLAINED for what came back after the relay accepted it, and
// FINAL (its final status), the entries after the log in time order.
// Pure function, thread-safe.
#pragma once

#include <vector>

#include "control-service/archive_search/archived_story.h"

namespace mc::control {

std::vector<TimelineEntry> StoryTimeline(const ArchivedStory& story);

}  // namespace mc::control
