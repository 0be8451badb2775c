// Domain types of published templates (DOMAIN.md section 5). Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "execution-service/events/event.h"

namespace mc::execution {

// What the publisher sends: one version of one template.
struct TemplateContent {
  std::string internal_name;
  std::string label;
  std::string event_type;
  int channel = 0;
  int version = 0;
  std::string subject;
  std::string html_body;
  std::string text_body;
  std::string sms_text;
};

// One stored copy (real-time or batch) of a publication.
struct PublishedTemplate {
  int64_t id = 0;
  Queue queue = Queue::kRealTime;
  TemplateContent content;
  absl::Time published;
  std::optional<absl::Time> unpublished;
};

}  // namespace mc::execution
