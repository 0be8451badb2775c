// ArchivingGrpcService: the messagecenter.control.v1.ArchivingService handlers. Behind the
// call gate (token, role, parsing: common/grpc/gated_service.h), each converts proto <-> domain and
// calls ArchivingControl. Thread-safe.
#pragma once

#include "common/grpc/gated_service.h"
#include "control-service/archiving/archiving_control.h"
#include "messagecenter/control/v1/control.grpc.pb.h"

namespace mc::control {

class ArchivingGrpcService final
    : public grpcutil::GatedService<messagecenter::control::v1::ArchivingService> {
 public:
  ArchivingGrpcService(ArchivingControl& control, grpcutil::CallGate& gate);

  using Ctx = grpc::ServerContext;
  using Change = messagecenter::control::v1::ChangeArchivingWorkflowRequest;
  using Workflow = messagecenter::control::v1::ArchivingWorkflow;
  grpc::Status CreateArchivingWorkflow(
      Ctx* ctx, const messagecenter::control::v1::CreateArchivingWorkflowRequest* req,
      Workflow* resp) override;
  grpc::Status ListArchivingWorkflows(
      Ctx* ctx, const messagecenter::control::v1::ListArchivingWorkflowsRequest* req,
      messagecenter::control::v1::ListArchivingWorkflowsResponse* resp) override;
  grpc::Status StartArchivingWorkflow(Ctx* ctx, const Change* req, Workflow* resp) override;
  grpc::Status PauseArchivingWorkflow(Ctx* ctx, const Change* req, Workflow* resp) override;
  grpc::Status StopArchivingWorkflow(Ctx* ctx, const Change* req, Workflow* resp) override;
  grpc::Status SetSchedule(Ctx* ctx, const messagecenter::control::v1::SetScheduleRequest* req,
                           Workflow* resp) override;
  grpc::Status RunNow(Ctx* ctx, const messagecenter::control::v1::RunNowRequest* req,
                      messagecenter::control::v1::ArchiveRun* resp) override;
  grpc::Status ListRuns(Ctx* ctx, const messagecenter::control::v1::ListRunsRequest* req,
                        messagecenter::control::v1::ListRunsResponse* resp) override;
  grpc::Status PurgeArchive(Ctx* ctx, const messagecenter::control::v1::PurgeArchiveRequest* req,
                            messagecenter::control::v1::PurgeArchiveResponse* resp) override;

 private:
  grpc::Status SetState(Ctx* ctx, const std::string& name, ArchivingState state, Workflow* resp);

  ArchivingControl& control_;
};

}  // namespace mc::control
