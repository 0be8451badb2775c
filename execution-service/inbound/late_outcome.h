// What a bounce or a complaint that came back after the relay accepted a message does to that
// message's event, and what became of it. Plain values.
//
//  - kHardBounce: the event's Sent becomes Delivery failed (its delivery log too, with the
//    report's reason), a new attempt in its story (failure type hard), the webhook of the
//    change, a new export to the archive; with `quarantine_address` the address gets a hard
//    quarantine entry (suppressions: mc_suppress_hard).
//  - kSoftBounce: the event stays Sent; an attempt in its story (soft) and one more soft error
//    toward the address's soft entry (mc_suppress_soft: it suppresses once the errors reach
//    the threshold, until its expiry).
//  - kComplaint: the event stays Sent; an attempt in its story (complaint) and the address on
//    the deny list with reason "complaint" (mc_suppress_complaint).
// Each is recorded once per (event, try, kind): the same report twice changes nothing more.
#pragma once

#include <cstdint>
#include <string>

#include "execution-service/events/queue.h"

namespace mc::execution {

enum class LateOutcomeKind { kHardBounce = 1, kSoftBounce = 2, kComplaint = 3 };

struct LateOutcome {
  Queue queue = Queue::kRealTime;
  int64_t event_id = 0;
  LateOutcomeKind kind = LateOutcomeKind::kHardBounce;
  bool quarantine_address = false;  // hard bounces: the report names the address itself
  std::string reason;               // the report's words (status code and diagnostic)
};

// What recording one late outcome did.
enum class LateOutcomeResult {
  kApplied,       // recorded (and, for a hard bounce, the event is now Delivery failed)
  kDuplicate,     // already recorded: nothing changed
  kUnknownEvent,  // no such event (never existed, or purged after archiving)
  kNotSent,       // the event has no message the relay accepted (never sent, or failed)
};

}  // namespace mc::execution
