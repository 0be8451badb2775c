// What `mcctl events get` prints of one event: PrintEvent() writes a header of labelled fields
// (the event, then its story: status, template name@version, channel, address, Message-ID,
// tries, next try, last failure, then the event's own fields) and its story's timeline as a
// table (TIME with milliseconds, STEP, STATUS, TRY, REASON: the failure type, the reason and,
// for a retry, when the next try is due). Unset values print "-". Pure (writes only to `out`),
// thread-safe.
#pragma once

#include <ostream>
#include <string>

#include "messagecenter/v1/events.pb.h"

namespace mc::mcctl {

// The address the event's wished channel uses: email, mobile phone or device token.
std::string ChannelAddressOf(const messagecenter::v1::Event& event);

// "received", "taken up", "retried", "delivery outcome", "final".
std::string TimelineStepName(messagecenter::v1::TimelineStep step);

void PrintEvent(const messagecenter::v1::StoredEvent& event, std::ostream& out);

}  // namespace mc::mcctl
