// ReadStoryFacts: the story columns of an event-story row (EventRepository::GetStory's
// statement, event_repository.cc) read by name into StoryFacts: template_name,
// template_version, tries, routed_us, lease_until_us; the delivery log's log_status (NULL: no
// log), log_failure_type, log_failure_reason, log_tries, log_message_id, log_us; and attempts,
// the JSON array of the event's delivery attempts ({"try", "type", "reason", "message_id",
// "at_us", "next_us"}, by try number; NULL for none). A missing column or malformed JSON throws:
// the row's INTERNAL error (common/pg/row.h). Pure.
#pragma once

#include "common/pg/row.h"
#include "execution-service/events/event_story.h"

namespace mc::execution {

StoryFacts ReadStoryFacts(const pg::Row& row);

}  // namespace mc::execution
