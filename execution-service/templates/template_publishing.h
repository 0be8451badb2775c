// TemplatePublishing: the execution instance's template API as plain logic.
//
// Publish validates the template (internal name, event type, channel, version, the parts its
// channel needs), compiles every part (a fault is reported with its part, line and column),
// checks that the three technical workflows are started, then stores the real-time and the
// batch copy. Failure modes: INVALID_ARGUMENT (field named first); FAILED_PRECONDITION naming
// the workflows not started; ALREADY_EXISTS for a version published before; UNAVAILABLE.
// Thread-safe.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "execution-service/templates/template_repository.h"
#include "execution-service/workflows/workflow_repository.h"

namespace mc::execution {

class TemplatePublishing {
 public:
  TemplatePublishing(TemplateRepository& templates, WorkflowRepository& workflows)
      : templates_(templates), workflows_(workflows) {}

  [[nodiscard]] absl::StatusOr<std::vector<PublishedTemplate>> Publish(
      const TemplateContent& content);
  [[nodiscard]] absl::StatusOr<int> Unpublish(const std::string& internal_name);
  [[nodiscard]] absl::StatusOr<std::vector<PublishedTemplate>> List(bool include_unpublished);

 private:
  TemplateRepository& templates_;
  WorkflowRepository& workflows_;
};

}  // namespace mc::execution
