// ReadEventFields: the event's own columns of an events-table row (event_type, email,
// mobile_phone, device_token, wished_channel, external_id, origin, language, country, ctx), read
// by name into a NewEvent, for every statement that selects them (the event repository's reads,
// the processing claim). A missing column is the row's INTERNAL error (common/pg/row.h). Pure.
#pragma once

#include "common/pg/row.h"
#include "execution-service/events/event.h"

namespace mc::execution {

void ReadEventFields(const pg::Row& row, NewEvent* event);

}  // namespace mc::execution
