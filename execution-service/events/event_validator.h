// Validation of pushed events, before anything is stored.
//
// ValidateEvent() returns OK, or INVALID_ARGUMENT whose message starts with the field name and
// a colon ("email: ..."), so callers can report the field. It also normalises the phone number
// (separators dropped). Lengths are in characters (Unicode code points, common/text/utf8.h)
// unless said otherwise. Rules:
//  - type: required; a letter then letters, digits, '_', '-', '.'; at most 64 characters;
//  - wished_channel: 0 (email), 1 (SMS), 41 (iOS) or 42 (Android);
//  - the channel's address is required: email / mobile_phone / device_token;
//  - email, when given: at most 254 octets (RFC 5321); one '@', a local part (at most 64) of
//    RFC 5322 atom characters and dots, a domain (at most 253) of LDH labels (at most 63 each)
//    with a dot: ASCII only, so octets and characters agree;
//  - mobile_phone, when given: at most 64 characters as given; optional '+', then 6 to 15
//    digits ("() -." allowed and dropped);
//  - external_id and origin at most 255 characters; language and country at most 35;
//    device_token at most 4096;
//  - email_format: 0, 1 or 2;
//  - expiration not before scheduled;
//  - ctx: a JSON object of at most `max_ctx_bytes` bytes (a size: bytes of its JSON form);
//  - text fields: no NUL character (PostgreSQL cannot store it).
// A length refused says its limit and unit: "external_id: longer than 255 characters".
// Pure and thread-safe.
#pragma once

#include <cstddef>

#include "absl/status/status.h"
#include "execution-service/events/event.h"

namespace mc::execution {

struct IngestLimits {
  int max_events_per_call = 1000;
  size_t max_ctx_bytes = 64 * 1024;
};

[[nodiscard]] absl::Status ValidateEvent(NewEvent& event, const IngestLimits& limits);

// ListEvents' text filters, before anything is read: address at most 254 octets (an email's
// limit, RFC 5321; phone numbers and push tokens in use are shorter), external_id at most 255
// characters (as pushed), template_name at most 64 characters (a template's internal name);
// none may hold a NUL. INVALID_ARGUMENT naming the field, as ValidateEvent.
[[nodiscard]] absl::Status ValidateEventFilter(const EventFilter& filter);

// The field named at the start of a validation message ("email: ..." -> "email"); "" if none.
absl::string_view FieldOf(absl::string_view message);

bool IsValidEmail(absl::string_view email);
// Returns the digits (with a leading '+' if given) or "" when invalid.
std::string NormalisePhone(absl::string_view phone);

}  // namespace mc::execution
