// SuppressionGrpcService: the messagecenter.control.v1.SuppressionService handlers (every
// execution instance's quarantine and deny list at once). Behind the call gate (token, role
// from api/method_roles.cc, parsing: common/grpc/gated_service.h), each converts proto <->
// domain and calls SuppressionFanout; statuses are converted in one place
// (common/status/grpc_status.h). Who made a change is the request's actor, or the caller's
// role name when it gives none ("operator", "admin"), passed on to every instance.
// Thread-safe.
#pragma once

#include <string>

#include "common/grpc/gated_service.h"
#include "control-service/suppressions/suppression_fanout.h"
#include "messagecenter/control/v1/control.grpc.pb.h"

namespace mc::control {

class SuppressionGrpcService final
    : public grpcutil::GatedService<messagecenter::control::v1::SuppressionService> {
 public:
  SuppressionGrpcService(SuppressionFanout& fanout, grpcutil::CallGate& gate);

  using Ctx = grpc::ServerContext;
  grpc::Status ListSuppressions(
      Ctx* ctx, const messagecenter::control::v1::ListSuppressionsRequest* req,
      messagecenter::control::v1::ListSuppressionsResponse* resp) override;
  grpc::Status AddSuppression(Ctx* ctx,
                              const messagecenter::control::v1::AddSuppressionRequest* req,
                              messagecenter::control::v1::SuppressionChange* resp) override;
  grpc::Status RemoveSuppression(Ctx* ctx,
                                 const messagecenter::control::v1::ChangeSuppressionRequest* req,
                                 messagecenter::control::v1::SuppressionChange* resp) override;
  grpc::Status ReactivateSuppression(
      Ctx* ctx, const messagecenter::control::v1::ChangeSuppressionRequest* req,
      messagecenter::control::v1::SuppressionChange* resp) override;

 private:
  std::string Actor(const Ctx& ctx, const std::string& given) const;

  SuppressionFanout& fanout_;
  const grpcutil::CallGate& caller_gate_;
};

}  // namespace mc::control
