// ValidateTemplate: whether a template version may be published, as both the control instance
// (when an operator saves it, and when it publishes it) and the execution instance (when it is
// published) check it.
//
// Rules: internal_name and event_type required, a letter then letters, digits, '_', '-' or
// '.', at most 64 characters; label at most 255 characters (Unicode code points); a known
// channel; a positive version; email: a subject and an HTML or a text body; SMS: a text.
// default_language, when given, and each variant's language: a BCP 47 primary tag of 2 to 8
// letters, optionally "-" and a region of 2 letters or 3 digits ("fr", "pt-BR", "es-419");
// languages unique among the variants (without case) and none the default_language; each
// variant's parts under the rules of the template's own (required ones, personalisation).
// The sender (email only): from and reply_to a mailbox ("Name <a@b.test>" or "a@b.test") when
// they hold no personalisation (the full check is made on what they render, when sent); at
// most kMaxHeaders custom headers, each name printable ASCII without ':' and none the message
// writes itself (common/mail/mail_field_checks.h); list_unsubscribe an RFC 2369 list of <URI>
// unless personalised; list_unsubscribe_post needs an https URI there; every value personalised
// as a subject is. Attachments (email only): at most kMaxAttachments, each exactly one of url
// (https://, at most kMaxAttachmentUrlLength characters, printable ASCII) and ctx_path (keys of
// letters, digits, '_' and '-' joined by '.'); a filename of at most 255 characters without
// control characters or slashes; a content type, when given, a media type. Blocks (set by the
// control's publication): valid names, positive versions.
// Failure modes: INVALID_ARGUMENT naming the field (internal_name, event_type, label, channel,
// version, subject, html_body, sms_text, default_language, variants[0].language,
// sender.headers[2].name, attachments[1].url, ...) and, for a length, its limit and unit
// ("label: longer than 255 characters"), or the part and position of personalisation that
// does not parse ("html_body: line 3, column 7: ...", "variants[fr].html_body: line 1, column
// 4: ...", "sender.from: line 1, column 2: ..."). Pure functions: thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/personalisation/template_content.h"

namespace mc::personalisation {

inline constexpr size_t kMaxHeaders = 20;
inline constexpr size_t kMaxAttachments = 10;
inline constexpr size_t kMaxAttachmentUrlLength = 2000;

[[nodiscard]] absl::Status ValidateTemplate(const TemplateContent& content);

// The rule of internal names (a letter then letters, digits, '_', '-' or '.', at most 64
// characters), for other named things (personalisation blocks): INVALID_ARGUMENT naming `field`.
[[nodiscard]] absl::Status ValidateName(absl::string_view field, const std::string& value);

}  // namespace mc::personalisation
