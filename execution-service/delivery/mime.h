// MIME: builds the RFC 5322 / 2045 text of an email. Header fields, written by
// header_encoder.h (folded, RFC 2047 encoded when not plain ASCII, control characters made
// spaces):
//  - From: the message's own `from` when set, else `from` (the sender's --smtp_from); To;
//    Subject; Date; Message-ID;
//  - Reply-To when set; List-Unsubscribe when set (never encoded: its URIs as given) and
//    "List-Unsubscribe-Post: List-Unsubscribe=One-Click" when asked and it has an https URI
//    (RFC 8058);
//  - the custom headers, in order, as unstructured fields; one whose name CheckHeaderName
//    refuses (common/mail/mail_field_checks.h) is left out, so a custom header can neither break
//    the message's structure nor stand in for a field the builder writes;
//  - MIME-Version.
// The body: multipart/alternative with a text and an HTML part (base64, UTF-8), or a single
// part when only one is given. With attachments, multipart/mixed around it: the body first,
// then one part per attachment: its Content-Type (normalised; application/octet-stream when
// it is not a media type) with a name parameter, "Content-Disposition: attachment" with the
// filename (control characters made spaces, '/' and '\' made '_'; quoted when printable
// ASCII that fits a line, else RFC 2231 UTF-8 percent-encoded, in numbered sections when
// long), base64 in lines of 76. Boundaries come from the Message-ID (at most 66 characters);
// each level has its own and no content or part header can hold one.
// Pure and thread-safe.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "execution-service/delivery/message.h"

namespace mc::execution {

std::string BuildMime(const OutgoingMessage& message, const std::string& from, absl::Time date);

}  // namespace mc::execution
