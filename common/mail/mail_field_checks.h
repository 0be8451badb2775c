// MailFieldChecks: whether a template's sender fields may go into the mail the execution
// instance writes (execution-service/delivery/mime.h), for the publication's checks on both
// instances (common/personalisation/template_validation.h) and for the builder itself:
//  - CheckHeaderName: a custom field's name: 1 to 76 printable US-ASCII characters but ':'
//    (RFC 5322 section 3.6.8 ftext), and not a field the builder writes or a relay adds
//    (IsReservedHeaderName: From, To, Cc, Bcc, Sender, Reply-To, Subject, Date, Message-ID,
//    MIME-Version, Content-*, Return-Path, Received, Received-SPF, DKIM-Signature, ARC-*,
//    Authentication-Results, Resent-*, List-Unsubscribe*), compared case-insensitively.
//  - CheckMailbox: one mailbox, "Display Name <local@domain>" or "local@domain": no control
//    character anywhere; the address in ASCII, a dot-atom local part of at most 64 octets, a
//    domain of LDH labels (at most 63 octets each) or an address literal "[...]", at most 254
//    octets in all. The display name may hold anything else: EncodeMailboxField quotes or
//    encodes it as it needs.
//  - CheckListUnsubscribe: an RFC 2369 List-Unsubscribe value: one or more "<URI>" separated by
//    commas, each URI printable ASCII without spaces, of scheme https, http or mailto.
//    HasHttpsUri: whether one of them is https (RFC 8058 one-click needs one).
//  - NormalizeMediaType: "type/subtype" of RFC 2045 tokens, lower-cased, keeping a charset
//    parameter when it is a token; "" when the text is not one (BuildMime then writes
//    application/octet-stream). CheckMediaType says why.
// Failure modes: INVALID_ARGUMENT with the reason, e.g. `header name "Content-Type" is written
// by the message itself`, `address "ana@": no domain`. Pure functions, thread-safe.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace mc::mail {

inline constexpr size_t kMaxHeaderNameLength = 76;  // "Name: " and a word fit a 78-octet line

bool IsReservedHeaderName(absl::string_view name);
[[nodiscard]] absl::Status CheckHeaderName(absl::string_view name);

[[nodiscard]] absl::Status CheckMailbox(absl::string_view mailbox);

[[nodiscard]] absl::Status CheckListUnsubscribe(absl::string_view value);
bool HasHttpsUri(absl::string_view list_unsubscribe);

std::string NormalizeMediaType(absl::string_view content_type);
[[nodiscard]] absl::Status CheckMediaType(absl::string_view content_type);

}  // namespace mc::mail
