// Domain types of published templates (DOMAIN.md section 5). Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "common/personalisation/template_content.h"
#include "execution-service/events/event.h"

namespace mc::execution {

// What the publisher sends: one version of one template (the language shared with the control
// instance, common/personalisation).
using personalisation::TemplateContent;

// One stored copy (real-time or batch) of a publication.
struct PublishedTemplate {
  int64_t id = 0;
  Queue queue = Queue::kRealTime;
  TemplateContent content;
  absl::Time published;
  std::optional<absl::Time> unpublished;
};

}  // namespace mc::execution
