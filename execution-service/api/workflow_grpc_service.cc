#include "execution-service/api/workflow_grpc_service.h"

#include "common/status/grpc_status.h"
#include "execution-service/api/workflow_proto.h"

namespace mc::execution {
namespace v1 = messagecenter::v1;
using status::ToGrpc;

WorkflowGrpcService::WorkflowGrpcService(WorkflowControl& control, grpcutil::CallGate& gate)
    : GatedService(gate), control_(control) {
  ServeUnary("ListWorkflows", &WorkflowGrpcService::ListWorkflows);
  ServeUnary("StartWorkflow", &WorkflowGrpcService::StartWorkflow);
  ServeUnary("PauseWorkflow", &WorkflowGrpcService::PauseWorkflow);
  ServeUnary("StopWorkflow", &WorkflowGrpcService::StopWorkflow);
}

grpc::Status WorkflowGrpcService::ListWorkflows(grpc::ServerContext* context,
                                                const v1::ListWorkflowsRequest*,
                                                v1::ListWorkflowsResponse* response) {
  absl::StatusOr<std::vector<WorkflowInfo>> list = control_.List();
  if (!list.ok()) return ToGrpc(list.status());
  for (const WorkflowInfo& w : *list) WorkflowToProto(w, response->add_workflows());
  return grpc::Status::OK;
}

grpc::Status WorkflowGrpcService::Change(grpc::ServerContext* context, const std::string& name,
                                         WorkflowState state, v1::Workflow* response) {
  absl::StatusOr<WorkflowInfo> w = control_.Change(name, state);
  if (!w.ok()) return ToGrpc(w.status());
  WorkflowToProto(*w, response);
  return grpc::Status::OK;
}

grpc::Status WorkflowGrpcService::StartWorkflow(grpc::ServerContext* context,
                                                const v1::ChangeWorkflowRequest* request,
                                                v1::Workflow* response) {
  return Change(context, request->internal_name(), WorkflowState::kStarted, response);
}

grpc::Status WorkflowGrpcService::PauseWorkflow(grpc::ServerContext* context,
                                                const v1::ChangeWorkflowRequest* request,
                                                v1::Workflow* response) {
  return Change(context, request->internal_name(), WorkflowState::kPaused, response);
}

grpc::Status WorkflowGrpcService::StopWorkflow(grpc::ServerContext* context,
                                               const v1::ChangeWorkflowRequest* request,
                                               v1::Workflow* response) {
  return Change(context, request->internal_name(), WorkflowState::kStopped, response);
}

}  // namespace mc::execution
