#include "control-service/api/archiving_grpc_service.h"

#include "common/status/grpc_status.h"
#include "control-service/api/control_proto.h"

namespace mc::control {
namespace pb = messagecenter::control::v1;
using status::ToGrpc;

ArchivingGrpcService::ArchivingGrpcService(ArchivingControl& control, grpcutil::CallGate& gate)
    : GatedService(gate), control_(control) {
  ServeUnary("CreateArchivingWorkflow", &ArchivingGrpcService::CreateArchivingWorkflow);
  ServeUnary("ListArchivingWorkflows", &ArchivingGrpcService::ListArchivingWorkflows);
  ServeUnary("StartArchivingWorkflow", &ArchivingGrpcService::StartArchivingWorkflow);
  ServeUnary("PauseArchivingWorkflow", &ArchivingGrpcService::PauseArchivingWorkflow);
  ServeUnary("StopArchivingWorkflow", &ArchivingGrpcService::StopArchivingWorkflow);
  ServeUnary("SetSchedule", &ArchivingGrpcService::SetSchedule);
  ServeUnary("RunNow", &ArchivingGrpcService::RunNow);
  ServeUnary("ListRuns", &ArchivingGrpcService::ListRuns);
  ServeUnary("PurgeArchive", &ArchivingGrpcService::PurgeArchive);
}

namespace {

grpc::Status Reply(const absl::StatusOr<ArchivingWorkflow>& w, pb::ArchivingWorkflow* resp) {
  if (!w.ok()) return ToGrpc(w.status());
  WorkflowToProto(*w, resp);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status ArchivingGrpcService::CreateArchivingWorkflow(
    Ctx* ctx, const pb::CreateArchivingWorkflowRequest* req, Workflow* resp) {
  return Reply(control_.Create(req->account(), req->schedule_seconds()), resp);
}

grpc::Status ArchivingGrpcService::ListArchivingWorkflows(
    Ctx* ctx, const pb::ListArchivingWorkflowsRequest* req,
    pb::ListArchivingWorkflowsResponse* resp) {
  absl::StatusOr<std::vector<ArchivingWorkflow>> list = control_.List();
  if (!list.ok()) return ToGrpc(list.status());
  for (const ArchivingWorkflow& w : *list) WorkflowToProto(w, resp->add_workflows());
  return grpc::Status::OK;
}

grpc::Status ArchivingGrpcService::SetState(Ctx* ctx, const std::string& name, ArchivingState state,
                                            Workflow* resp) {
  return Reply(control_.SetState(name, state), resp);
}

grpc::Status ArchivingGrpcService::StartArchivingWorkflow(Ctx* ctx, const Change* req,
                                                          Workflow* resp) {
  return SetState(ctx, req->internal_name(), ArchivingState::kStarted, resp);
}

grpc::Status ArchivingGrpcService::PauseArchivingWorkflow(Ctx* ctx, const Change* req,
                                                          Workflow* resp) {
  return SetState(ctx, req->internal_name(), ArchivingState::kPaused, resp);
}

grpc::Status ArchivingGrpcService::StopArchivingWorkflow(Ctx* ctx, const Change* req,
                                                         Workflow* resp) {
  return SetState(ctx, req->internal_name(), ArchivingState::kStopped, resp);
}

grpc::Status ArchivingGrpcService::SetSchedule(Ctx* ctx, const pb::SetScheduleRequest* req,
                                               Workflow* resp) {
  return Reply(control_.SetSchedule(req->internal_name(), req->schedule_seconds()), resp);
}

grpc::Status ArchivingGrpcService::RunNow(Ctx* ctx, const pb::RunNowRequest* req,
                                          pb::ArchiveRun* resp) {
  absl::StatusOr<ArchiveRun> run = control_.RunNow(req->internal_name());
  if (!run.ok()) return ToGrpc(run.status());
  RunToProto(*run, resp);
  return grpc::Status::OK;
}

grpc::Status ArchivingGrpcService::ListRuns(Ctx* ctx, const pb::ListRunsRequest* req,
                                            pb::ListRunsResponse* resp) {
  absl::StatusOr<std::vector<ArchiveRun>> runs =
      control_.ListRuns(req->internal_name(), req->limit());
  if (!runs.ok()) return ToGrpc(runs.status());
  for (const ArchiveRun& r : *runs) RunToProto(r, resp->add_runs());
  return grpc::Status::OK;
}

grpc::Status ArchivingGrpcService::PurgeArchive(Ctx* ctx, const pb::PurgeArchiveRequest* req,
                                                pb::PurgeArchiveResponse* resp) {
  absl::StatusOr<PurgedRows> purged = control_.Purge(absl::Seconds(req->retention_seconds()));
  if (!purged.ok()) return ToGrpc(purged.status());
  resp->set_events_deleted(purged->events);
  resp->set_delivery_logs_deleted(purged->delivery_logs);
  return grpc::Status::OK;
}

}  // namespace mc::control
