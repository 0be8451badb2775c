// TemplateGrpcService and WorkflowGrpcService: the messagecenter.v1 TemplateService and
// WorkflowService handlers of the execution instance. Each checks the bearer token, converts
// proto <-> domain and calls the logic; statuses are converted in common/status only.
// Thread-safe.
#pragma once

#include "common/grpc/bearer_auth.h"
#include "execution-service/templates/template_publishing.h"
#include "execution-service/workflows/workflow_control.h"
#include "messagecenter/v1/templates.grpc.pb.h"
#include "messagecenter/v1/workflows.grpc.pb.h"

namespace mc::execution {

class TemplateGrpcService final : public messagecenter::v1::TemplateService::Service {
 public:
  TemplateGrpcService(TemplatePublishing& publishing, const grpcutil::BearerAuth& auth)
      : publishing_(publishing), auth_(auth) {}

  grpc::Status PublishTemplate(grpc::ServerContext* context,
                               const messagecenter::v1::PublishTemplateRequest* request,
                               messagecenter::v1::PublishTemplateResponse* response) override;
  grpc::Status UnpublishTemplate(grpc::ServerContext* context,
                                 const messagecenter::v1::UnpublishTemplateRequest* request,
                                 messagecenter::v1::UnpublishTemplateResponse* response) override;
  grpc::Status ListTemplates(grpc::ServerContext* context,
                             const messagecenter::v1::ListTemplatesRequest* request,
                             messagecenter::v1::ListTemplatesResponse* response) override;

 private:
  TemplatePublishing& publishing_;
  const grpcutil::BearerAuth& auth_;
};

class WorkflowGrpcService final : public messagecenter::v1::WorkflowService::Service {
 public:
  WorkflowGrpcService(WorkflowControl& control, const grpcutil::BearerAuth& auth)
      : control_(control), auth_(auth) {}

  grpc::Status ListWorkflows(grpc::ServerContext* context,
                             const messagecenter::v1::ListWorkflowsRequest* request,
                             messagecenter::v1::ListWorkflowsResponse* response) override;
  grpc::Status StartWorkflow(grpc::ServerContext* context,
                             const messagecenter::v1::ChangeWorkflowRequest* request,
                             messagecenter::v1::Workflow* response) override;
  grpc::Status PauseWorkflow(grpc::ServerContext* context,
                             const messagecenter::v1::ChangeWorkflowRequest* request,
                             messagecenter::v1::Workflow* response) override;
  grpc::Status StopWorkflow(grpc::ServerContext* context,
                            const messagecenter::v1::ChangeWorkflowRequest* request,
                            messagecenter::v1::Workflow* response) override;

 private:
  grpc::Status Change(grpc::ServerContext* context, const std::string& name, WorkflowState state,
                      messagecenter::v1::Workflow* response);

  WorkflowControl& control_;
  const grpcutil::BearerAuth& auth_;
};

}  // namespace mc::execution
