#include "control-service/api/method_roles.h"

namespace mc::control {

grpcutil::MethodRoles ControlMethodRoles() {
  using grpcutil::kOperator;
  // Every service of the control instance is an operator's (a person or their tools).
  return {
      // AccountService
      {"messagecenter.control.v1.AccountService.CreateAccount", kOperator},
      {"messagecenter.control.v1.AccountService.GetAccount", kOperator},
      {"messagecenter.control.v1.AccountService.ListAccounts", kOperator},
      {"messagecenter.control.v1.AccountService.UpdateAccount", kOperator},
      {"messagecenter.control.v1.AccountService.DisableAccount", kOperator},
      {"messagecenter.control.v1.AccountService.DeleteAccount", kOperator},
      {"messagecenter.control.v1.AccountService.TestConnection", kOperator},
      {"messagecenter.control.v1.AccountService.InitializeConnection", kOperator},
      {"messagecenter.control.v1.AccountService.ListInstanceWorkflows", kOperator},
      {"messagecenter.control.v1.AccountService.ChangeInstanceWorkflow", kOperator},
      // TemplateService
      {"messagecenter.control.v1.TemplateService.CreateTemplate", kOperator},
      {"messagecenter.control.v1.TemplateService.UpdateTemplate", kOperator},
      {"messagecenter.control.v1.TemplateService.GetTemplate", kOperator},
      {"messagecenter.control.v1.TemplateService.ListTemplates", kOperator},
      {"messagecenter.control.v1.TemplateService.DeleteTemplate", kOperator},
      {"messagecenter.control.v1.TemplateService.PreviewTemplate", kOperator},
      {"messagecenter.control.v1.TemplateService.PublishTemplate", kOperator},
      {"messagecenter.control.v1.TemplateService.UnpublishTemplate", kOperator},
      {"messagecenter.control.v1.TemplateService.SendProof", kOperator},
      // BlockService: the personalisation blocks templates include
      {"messagecenter.control.v1.BlockService.CreateBlock", kOperator},
      {"messagecenter.control.v1.BlockService.UpdateBlock", kOperator},
      {"messagecenter.control.v1.BlockService.GetBlock", kOperator},
      {"messagecenter.control.v1.BlockService.ListBlocks", kOperator},
      {"messagecenter.control.v1.BlockService.DeleteBlock", kOperator},
      // ArchivingService
      {"messagecenter.control.v1.ArchivingService.CreateArchivingWorkflow", kOperator},
      {"messagecenter.control.v1.ArchivingService.ListArchivingWorkflows", kOperator},
      {"messagecenter.control.v1.ArchivingService.StartArchivingWorkflow", kOperator},
      {"messagecenter.control.v1.ArchivingService.PauseArchivingWorkflow", kOperator},
      {"messagecenter.control.v1.ArchivingService.StopArchivingWorkflow", kOperator},
      {"messagecenter.control.v1.ArchivingService.SetSchedule", kOperator},
      {"messagecenter.control.v1.ArchivingService.RunNow", kOperator},
      {"messagecenter.control.v1.ArchivingService.ListRuns", kOperator},
      {"messagecenter.control.v1.ArchivingService.PurgeArchive", kOperator},
      // ReportService
      {"messagecenter.control.v1.ReportService.ServiceLevel", kOperator},
      {"messagecenter.control.v1.ReportService.ProcessingTime", kOperator},
      {"messagecenter.control.v1.ReportService.History", kOperator},
      {"messagecenter.control.v1.ReportService.StatusCounts", kOperator},
      // SubscriptionService
      {"messagecenter.control.v1.SubscriptionService.CreateSubscription", kOperator},
      {"messagecenter.control.v1.SubscriptionService.UpdateSubscription", kOperator},
      {"messagecenter.control.v1.SubscriptionService.GetSubscription", kOperator},
      {"messagecenter.control.v1.SubscriptionService.ListSubscriptions", kOperator},
      {"messagecenter.control.v1.SubscriptionService.DeleteSubscription", kOperator},
      {"messagecenter.control.v1.SubscriptionService.RotateSecret", kOperator},
      {"messagecenter.control.v1.SubscriptionService.GetSubscriptionStates", kOperator},
      {"messagecenter.control.v1.SubscriptionService.ResumeSubscription", kOperator},
      {"messagecenter.control.v1.SubscriptionService.ReplayWebhooks", kOperator},
      {"messagecenter.control.v1.SubscriptionService.PublishSubscriptions", kOperator},
      // ArchiveService: reads of the archive, as the reports
      {"messagecenter.control.v1.ArchiveService.SearchEvents", kOperator},
      {"messagecenter.control.v1.ArchiveService.GetArchivedEvent", kOperator},
      // SuppressionService: every instance's suppression list at once, an operator's as on
      // each instance (where the control role is what this instance presents to it)
      {"messagecenter.control.v1.SuppressionService.ListSuppressions", kOperator},
      {"messagecenter.control.v1.SuppressionService.AddSuppression", kOperator},
      {"messagecenter.control.v1.SuppressionService.RemoveSuppression", kOperator},
      {"messagecenter.control.v1.SuppressionService.ReactivateSuppression", kOperator},
  };
}

}  // namespace mc::control
