// TemplateGrpcService and WorkflowGrpcService: the messagecenter.v1 TemplateService and
// WorkflowService handlers of the execution instance. Behind the call gate (token, role from
// api/method_roles.cc, parsing: common/grpc/gated_service.h), each converts
// proto <-> domain and calls the logic; statuses are converted in common/status only.
// Thread-safe.
#pragma once

#include "common/grpc/gated_service.h"
#include "execution-service/templates/template_publishing.h"
#include "execution-service/workflows/workflow_control.h"
#include "messagecenter/v1/templates.grpc.pb.h"
#include "messagecenter/v1/workflows.grpc.pb.h"

namespace mc::execution {

class TemplateGrpcService final
    : public grpcutil::GatedService<messagecenter::v1::TemplateService> {
 public:
  TemplateGrpcService(TemplatePublishing& publishing, grpcutil::CallGate& gate);

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
};

class WorkflowGrpcService final
    : public grpcutil::GatedService<messagecenter::v1::WorkflowService> {
 public:
  WorkflowGrpcService(WorkflowControl& control, grpcutil::CallGate& gate);

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
};

}  // namespace mc::execution
