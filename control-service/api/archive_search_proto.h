// Conversions between the archive search's domain types (control-service/archive_search/) and
// the messagecenter.control.v1 ArchiveService messages. No validation here: ArchiveSearch checks
// values. Pure functions, thread-safe.
#pragma once

#include "control-service/archive_search/archived_story.h"
#include "messagecenter/control/v1/control.pb.h"

namespace mc::control {

SearchRequest SearchRequestFromProto(const messagecenter::control::v1::SearchEventsRequest& p);
void StoryToProto(const ArchivedStory& s, messagecenter::control::v1::ArchivedEventStory* p);

}  // namespace mc::control
