// TemplateContent: one version of one template as an operator writes it and a publication
// carries it (DOMAIN.md section 5): the names, the channel, and the personalised parts. The
// control instance authors it, the execution instance stores and renders it. Plain values.
#pragma once

#include <string>

namespace mc::personalisation {

struct TemplateContent {
  std::string internal_name;
  std::string label;
  std::string event_type;
  int channel = 0;  // raw, validated against Channel
  int version = 0;
  std::string subject;
  std::string html_body;
  std::string text_body;
  std::string sms_text;
};

}  // namespace mc::personalisation
