// SuppressionGrpcService: the messagecenter.v1 SuppressionService handlers of the execution
// instance (list and search the quarantine and deny list, add, remove, reactivate). Behind the
// call gate (token, role from api/method_roles.cc, parsing: common/grpc/gated_service.h), it
// converts proto <-> domain and calls SuppressionList; statuses are converted in common/status
// only. Who made a change is the request's actor, or the caller's role name when it gives none
// ("operator", "control", "admin").
// Thread-safe.
#pragma once

#include "common/grpc/gated_service.h"
#include "execution-service/suppressions/suppression_list.h"
#include "messagecenter/v1/suppressions.grpc.pb.h"

namespace mc::execution {

class SuppressionGrpcService final
    : public grpcutil::GatedService<messagecenter::v1::SuppressionService> {
 public:
  SuppressionGrpcService(SuppressionList& list, grpcutil::CallGate& gate);

  grpc::Status ListSuppressions(grpc::ServerContext* context,
                                const messagecenter::v1::ListSuppressionsRequest* request,
                                messagecenter::v1::ListSuppressionsResponse* response) override;
  grpc::Status AddSuppression(grpc::ServerContext* context,
                              const messagecenter::v1::AddSuppressionRequest* request,
                              messagecenter::v1::Suppression* response) override;
  grpc::Status RemoveSuppression(grpc::ServerContext* context,
                                 const messagecenter::v1::SuppressionRef* request,
                                 messagecenter::v1::Suppression* response) override;
  grpc::Status ReactivateSuppression(grpc::ServerContext* context,
                                     const messagecenter::v1::SuppressionRef* request,
                                     messagecenter::v1::Suppression* response) override;

 private:
  std::string Actor(const grpc::ServerContext& context, const std::string& given) const;

  SuppressionList& list_;
  const grpcutil::CallGate& caller_gate_;
};

// An entry as the API shows it (also for the tests).
void SuppressionToProto(const SuppressionEntry& e, messagecenter::v1::Suppression* p);

}  // namespace mc::execution
