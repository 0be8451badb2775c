#include "execution-service/templates/template_publishing.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/personalisation/template_validation.h"

namespace mc::execution {

absl::StatusOr<std::vector<PublishedTemplate>> TemplatePublishing::Publish(
    const TemplateContent& content) {
  if (absl::Status s = personalisation::ValidateTemplate(content); !s.ok()) return s;
  absl::StatusOr<std::vector<WorkflowInfo>> workflows = workflows_.List();
  if (!workflows.ok()) return workflows.status();
  std::vector<std::string> not_started;
  for (const WorkflowInfo& w : *workflows) {
    // The message workflows; webhooks stopped do not stop messages (they wait in the outbox).
    if (w.internal_name == kWebhookDelivery) continue;
    if (w.state != WorkflowState::kStarted) {
      not_started.push_back(absl::StrCat(w.internal_name, " (", WorkflowStateName(w.state), ")"));
    }
  }
  if (!not_started.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("technical workflows not started: ", absl::StrJoin(not_started, ", "),
                     "; start them before publishing templates"));
  }
  return templates_.Publish(content);
}

absl::StatusOr<int> TemplatePublishing::Unpublish(const std::string& internal_name) {
  if (internal_name.empty()) return absl::InvalidArgumentError("internal_name: required");
  return templates_.Unpublish(internal_name);
}

absl::StatusOr<std::vector<PublishedTemplate>> TemplatePublishing::List(bool include_unpublished) {
  return templates_.List(include_unpublished);
}

}  // namespace mc::execution
