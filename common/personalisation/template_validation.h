// ValidateTemplate: whether a template version may be published, as both the control instance
// (when an operator saves it) and the execution instance (when it is published) check it.
//
// Rules: internal_name and event_type required, a letter then letters, digits, '_', '-' or
// '.', at most 64 characters; label at most 255 characters (Unicode code points); a known
// channel; a positive version; email: a subject and an HTML or a text body; SMS: a text.
// Failure modes: INVALID_ARGUMENT naming the field (internal_name, event_type, label, channel,
// version, subject, html_body, sms_text) and, for a length, its limit and unit ("label: longer
// than 255 characters"), or the part and position of personalisation that does not parse
// ("html_body: line 3, column 7: ..."). Pure function: thread-safe.
#pragma once

#include "absl/status/status.h"
#include "common/personalisation/template_content.h"

namespace mc::personalisation {

[[nodiscard]] absl::Status ValidateTemplate(const TemplateContent& content);

}  // namespace mc::personalisation
