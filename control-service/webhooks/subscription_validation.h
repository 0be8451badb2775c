// ValidateSubscription: whether an authored subscription may be stored and published, checked
// on the control before anything is stored (the execution instance checks the URL's host
// against its network rules when it is published, and says why it refuses).
//
// Rules: name required, a letter then letters, digits, '_', '-' or '.', at most 64
// characters; url an http:// or https:// URL (scheme in lower case) with a host, printable ASCII
// without spaces, at most 2048 characters (a port, when given, 1 to 65535); statuses EventStatus
// numbers 1 to 7 (PENDING_DELIVERY to CANCELLED), each once; at most 100 event types, each with the
// syntax of a template's event_type, each once; max_batch 0 to 500. Failure modes: INVALID_ARGUMENT
// naming the field ("url: ...", "statuses[1]: ..."). Pure function: thread-safe.
#pragma once

#include "absl/status/status.h"
#include "control-service/webhooks/subscription.h"

namespace mc::control {

inline constexpr int kMaxBatch = 500;
inline constexpr size_t kMaxUrlLength = 2048;
inline constexpr size_t kMaxEventTypes = 100;

[[nodiscard]] absl::Status ValidateSubscription(const Subscription& s);

}  // namespace mc::control
