// ValidateTemplate: whether a template version may be published, as both the control instance
// (when an operator saves it) and the execution instance (when it is published) check it.
//
// Failure modes: INVALID_ARGUMENT naming the field (internal_name, event_type, channel,
// version, subject, html_body, sms_text), or the part and position of personalisation that
// does not parse ("html_body: line 3, column 7: ..."). Pure function: thread-safe.
#pragma once

#include "absl/status/status.h"
#include "execution-service/templates/template.h"

namespace mc::execution {

absl::Status ValidateTemplate(const TemplateContent& content);

}  // namespace mc::execution
