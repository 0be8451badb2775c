// StoryTimeline: an archived event's timeline, oldest first, from what the archive holds of it:
// RECEIVED (Pending), TAKEN_UP when a processing workflow took it up (Pending delivery, or its
// final status when it was made final at once: not taken into account, expired), one RETRIED
// per soft failure tried again (Pending delivery, with the next try's time), DELIVERY_OUTCOME
// from its delivery log (the status the log gave), and FINAL (its final status).
// Pure function, thread-safe.
#pragma once

#include <vector>

#include "control-service/archive_search/archived_story.h"

namespace mc::control {

std::vector<TimelineEntry> StoryTimeline(const ArchivedStory& story);

}  // namespace mc::control
