// The control instance's authored template (DOMAIN.md section 5): what an operator writes
// (parts that may include personalisation blocks, language variants, sender fields,
// attachments), its seed addresses with test data, and where its publications stand. Plain
// values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/personalisation/template_content.h"
#include "control-service/execution/instance_outcome.h"

namespace mc::control {

struct Seed {
  std::string address;
  std::string ctx_json = "{}";  // a JSON object
  // The test event's language (picks the variant) and country (for the formatting helpers);
  // "" not said.
  std::string language, country;
};

enum class TemplateStatus { kEditing = 0, kPublished = 1 };

struct AuthoredTemplate {
  std::string internal_name, label, event_type;
  int channel = 0;
  std::string subject, html_body, text_body, sms_text;
  std::string default_language;
  std::vector<personalisation::TemplateVariant> variants;
  personalisation::TemplateSender sender;
  std::vector<personalisation::TemplateAttachment> attachments;
  std::vector<Seed> seeds;
  // Read-only: kept by the control instance.
  TemplateStatus status = TemplateStatus::kEditing;
  int version = 0;
  std::optional<absl::Time> published;
  absl::Time updated;
  // The blocks the last published version was expanded from, with the versions used.
  std::vector<personalisation::IncludedBlock> published_blocks;
};

}  // namespace mc::control
