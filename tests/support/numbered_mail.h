// NumberedMailTemplate: the email template the fault tests publish, version 1, whose subject and
// text body carry the event's ctx.n (so each mail names the event it renders). Pure; no failure
// modes; thread-safe.
#pragma once

#include <string>

#include "messagecenter/v1/templates.pb.h"

namespace mc::e2e {

// Subject "<subject_prefix> <n>", text body "Message <n>", for events of `event_type`.
messagecenter::v1::Template NumberedMailTemplate(const std::string& internal_name,
                                                 const std::string& event_type,
                                                 const std::string& subject_prefix);

}  // namespace mc::e2e
