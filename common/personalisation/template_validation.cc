#include "common/personalisation/template_validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/personalisation/channel.h"
#include "common/personalisation/compiled_template.h"
#include "common/text/utf8.h"

namespace mc::personalisation {
namespace {

bool ValidName(const std::string& s) {
  if (s.empty() || !absl::ascii_isalpha(static_cast<unsigned char>(s[0]))) {
    return false;
  }
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

absl::Status CheckName(absl::string_view field, const std::string& value) {
  if (text::CodePoints(value) > 64) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": longer than 64 characters"));
  }
  if (!ValidName(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": required; a letter then letters, digits, '_', '-' or '.'"));
  }
  return absl::OkStatus();
}

absl::Status ValidateFields(const TemplateContent& c) {
  if (absl::Status s = CheckName("internal_name", c.internal_name); !s.ok()) return s;
  if (absl::Status s = CheckName("event_type", c.event_type); !s.ok()) return s;
  if (text::CodePoints(c.label) > 255) {
    return absl::InvalidArgumentError("label: longer than 255 characters");
  }
  if (!IsKnownChannel(c.channel)) {
    return absl::InvalidArgumentError(absl::StrCat("channel: unknown value ", c.channel));
  }
  if (c.version <= 0) return absl::InvalidArgumentError("version: must be positive");
  if (c.channel == static_cast<int>(Channel::kEmail)) {
    if (c.subject.empty()) return absl::InvalidArgumentError("subject: required for email");
    if (c.html_body.empty() && c.text_body.empty()) {
      return absl::InvalidArgumentError("html_body: an HTML or a text body is required for email");
    }
  } else if (c.channel == static_cast<int>(Channel::kSms) && c.sms_text.empty()) {
    return absl::InvalidArgumentError("sms_text: required for SMS");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateTemplate(const TemplateContent& content) {
  if (absl::Status s = ValidateFields(content); !s.ok()) return s;
  return CompiledTemplate::Compile(content).status();
}

}  // namespace mc::personalisation
