#include "execution-service/api/method_roles.h"

namespace mc::execution {

grpcutil::MethodRoles ExecutionMethodRoles() {
  using grpcutil::kControl, grpcutil::kOperator, grpcutil::kPusher;
  return {
      // Internal services push and read their events; an operator may too.
      {"messagecenter.v1.EventService.PushEvent", kPusher | kOperator},
      {"messagecenter.v1.EventService.PushEvents", kPusher | kOperator},
      {"messagecenter.v1.EventService.GetEvent", kPusher | kOperator},
      {"messagecenter.v1.EventService.ListEvents", kPusher | kOperator},
      // Cancelling is the pushing service's decision, as pushing is; an operator may too.
      {"messagecenter.v1.EventService.CancelEvent", kPusher | kOperator},
      // Templates are published by the control instance only.
      {"messagecenter.v1.TemplateService.PublishTemplate", kControl},
      {"messagecenter.v1.TemplateService.UnpublishTemplate", kControl},
      {"messagecenter.v1.TemplateService.ListTemplates", kControl | kOperator},
      // Proofs are sent for the control instance's authors; an operator may send one directly.
      {"messagecenter.v1.TemplateService.SendProof", kControl | kOperator},
      // The technical workflows are an operator's, also through the control's console (which
      // checks the operator role of the person there).
      {"messagecenter.v1.WorkflowService.ListWorkflows", kOperator | kControl},
      {"messagecenter.v1.WorkflowService.StartWorkflow", kOperator | kControl},
      {"messagecenter.v1.WorkflowService.PauseWorkflow", kOperator | kControl},
      {"messagecenter.v1.WorkflowService.StopWorkflow", kOperator | kControl},
      // Identity and archiving are the control instance's.
      {"messagecenter.v1.InstanceService.GetInstanceInfo", kControl | kOperator},
      {"messagecenter.v1.InstanceService.InitializeInstance", kControl},
      {"messagecenter.v1.InstanceService.ExportArchive", kControl},
      {"messagecenter.v1.InstanceService.ExportQuarantine", kControl},
      {"messagecenter.v1.InstanceService.Purge", kControl | kOperator},
      // Webhook subscriptions are published by the control instance; operators read their
      // states, resume failing endpoints and replay.
      {"messagecenter.v1.WebhookService.PutSubscription", kControl},
      {"messagecenter.v1.WebhookService.DeleteSubscription", kControl},
      {"messagecenter.v1.WebhookService.ListSubscriptions", kControl | kOperator},
      {"messagecenter.v1.WebhookService.ResumeSubscription", kControl | kOperator},
      {"messagecenter.v1.WebhookService.ReplayWebhooks", kControl | kOperator},
      // The suppression list: operators manage it here, the control instance across every
      // instance.
      {"messagecenter.v1.SuppressionService.ListSuppressions", kOperator | kControl},
      {"messagecenter.v1.SuppressionService.AddSuppression", kOperator | kControl},
      {"messagecenter.v1.SuppressionService.RemoveSuppression", kOperator | kControl},
      {"messagecenter.v1.SuppressionService.ReactivateSuppression", kOperator | kControl},
  };
}

}  // namespace mc::execution
