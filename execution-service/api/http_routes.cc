#include "execution-service/api/http_routes.h"

namespace mc::execution {

std::vector<std::string> ExecutionHttpServices() {
  return {"messagecenter.v1.EventService",    "messagecenter.v1.TemplateService",
          "messagecenter.v1.WorkflowService", "messagecenter.v1.InstanceService",
          "messagecenter.v1.WebhookService",  "messagecenter.v1.SuppressionService"};
}

std::vector<http::HttpRoute> ExecutionHttpRoutes() {
  constexpr char kEvents[] = "messagecenter.v1.EventService.";
  constexpr char kWorkflows[] = "messagecenter.v1.WorkflowService.";
  auto m = [](const char* service, const char* method) { return std::string(service) + method; };
  return {
      {"POST", "/v1/events:push", m(kEvents, "PushEvent"), true},
      {"POST", "/v1/events:pushBatch", m(kEvents, "PushEvents"), true},
      {"GET", "/v1/events/{id}", m(kEvents, "GetEvent")},
      {"GET", "/v1/events", m(kEvents, "ListEvents")},
      {"POST", "/v1/events/{id}:cancel", m(kEvents, "CancelEvent"), true},
      {"GET", "/v1/templates", "messagecenter.v1.TemplateService.ListTemplates"},
      {"GET", "/v1/workflows", m(kWorkflows, "ListWorkflows")},
      {"POST", "/v1/workflows/{internal_name}:start", m(kWorkflows, "StartWorkflow"), true},
      {"POST", "/v1/workflows/{internal_name}:pause", m(kWorkflows, "PauseWorkflow"), true},
      {"POST", "/v1/workflows/{internal_name}:stop", m(kWorkflows, "StopWorkflow"), true},
      {"GET", "/v1/suppressions", "messagecenter.v1.SuppressionService.ListSuppressions"},
  };
}

}  // namespace mc::execution
