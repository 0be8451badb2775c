// WorkflowGrpcService: the messagecenter.v1 WorkflowService handlers of the execution instance
// (list the technical workflows, start, pause, stop one). Behind the call gate (token, role
// from api/method_roles.cc, parsing: common/grpc/gated_service.h), it converts proto <-> domain
// and calls WorkflowControl; statuses are converted in common/status only.
// Thread-safe.
#pragma once

#include <string>

#include "common/grpc/gated_service.h"
#include "execution-service/workflows/workflow_control.h"
#include "messagecenter/v1/workflows.grpc.pb.h"

namespace mc::execution {

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
