// TemplatePublication: one version of an authored template as the control instance publishes
// it to an execution instance (PublishTemplate). Plain values.
#pragma once

#include <string>

namespace mc::control {

struct TemplatePublication {
  std::string internal_name, label, event_type;
  int channel = 0;
  int version = 0;
  std::string subject, html_body, text_body, sms_text;
};

}  // namespace mc::control
