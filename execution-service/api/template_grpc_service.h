// TemplateGrpcService: the messagecenter.v1 TemplateService handlers of the execution instance
// (publish, unpublish, list published templates, send proofs). Behind the call gate (token, role
// from api/method_roles.cc, parsing: common/grpc/gated_service.h), it converts proto <-> domain
// and calls TemplatePublishing or ProofSender; statuses are converted in common/status only.
// Thread-safe.
#pragma once

#include "common/grpc/gated_service.h"
#include "execution-service/proofs/proof_sender.h"
#include "execution-service/templates/template_publishing.h"
#include "messagecenter/v1/templates.grpc.pb.h"

namespace mc::execution {

class TemplateGrpcService final
    : public grpcutil::GatedService<messagecenter::v1::TemplateService> {
 public:
  TemplateGrpcService(TemplatePublishing& publishing, ProofSender& proofs,
                      grpcutil::CallGate& gate);

  grpc::Status PublishTemplate(grpc::ServerContext* context,
                               const messagecenter::v1::PublishTemplateRequest* request,
                               messagecenter::v1::PublishTemplateResponse* response) override;
  grpc::Status UnpublishTemplate(grpc::ServerContext* context,
                                 const messagecenter::v1::UnpublishTemplateRequest* request,
                                 messagecenter::v1::UnpublishTemplateResponse* response) override;
  grpc::Status ListTemplates(grpc::ServerContext* context,
                             const messagecenter::v1::ListTemplatesRequest* request,
                             messagecenter::v1::ListTemplatesResponse* response) override;
  grpc::Status SendProof(grpc::ServerContext* context,
                         const messagecenter::v1::SendProofRequest* request,
                         messagecenter::v1::SendProofResponse* response) override;

 private:
  TemplatePublishing& publishing_;
  ProofSender& proofs_;
};

}  // namespace mc::execution
