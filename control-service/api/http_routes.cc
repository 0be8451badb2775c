#include "control-service/api/http_routes.h"

namespace mc::control {

std::vector<std::string> ControlHttpServices() {
  return {"messagecenter.control.v1.AccountService", "messagecenter.control.v1.TemplateService",
          "messagecenter.control.v1.BlockService",   "messagecenter.control.v1.ArchivingService",
          "messagecenter.control.v1.ReportService",  "messagecenter.control.v1.SubscriptionService",
          "messagecenter.control.v1.ArchiveService", "messagecenter.control.v1.SuppressionService"};
}

std::vector<http::HttpRoute> ControlHttpRoutes() {
  const std::string p = "messagecenter.control.v1.";
  return {
      {"GET", "/v1/accounts", p + "AccountService.ListAccounts"},
      {"GET", "/v1/accounts/{internal_name}", p + "AccountService.GetAccount"},
      {"GET", "/v1/accounts/{internal_name}/workflows", p + "AccountService.ListInstanceWorkflows"},
      {"GET", "/v1/templates", p + "TemplateService.ListTemplates"},
      {"GET", "/v1/templates/{internal_name}", p + "TemplateService.GetTemplate"},
      {"POST", "/v1/templates/{internal_name}:publish", p + "TemplateService.PublishTemplate",
       true},
      {"POST", "/v1/templates/{internal_name}:proof", p + "TemplateService.SendProof", true},
      {"GET", "/v1/archivingWorkflows", p + "ArchivingService.ListArchivingWorkflows"},
      {"GET", "/v1/reports/serviceLevel", p + "ReportService.ServiceLevel"},
      {"GET", "/v1/reports/statusCounts", p + "ReportService.StatusCounts"},
      {"GET", "/v1/archive/events", p + "ArchiveService.SearchEvents"},
  };
}

}  // namespace mc::control
