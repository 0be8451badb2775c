// TemplateGrpcService: the messagecenter.control.v1.TemplateService handlers. Behind the call
// gate (token, role, parsing: common/grpc/gated_service.h), each converts proto <-> domain and
// calls TemplateAuthoring. Thread-safe.
#pragma once

#include "common/grpc/gated_service.h"
#include "control-service/templates/template_authoring.h"
#include "messagecenter/control/v1/control.grpc.pb.h"

namespace mc::control {

class TemplateGrpcService final
    : public grpcutil::GatedService<messagecenter::control::v1::TemplateService> {
 public:
  TemplateGrpcService(TemplateAuthoring& authoring, grpcutil::CallGate& gate);

  using Ctx = grpc::ServerContext;
  grpc::Status CreateTemplate(Ctx* ctx,
                              const messagecenter::control::v1::CreateTemplateRequest* req,
                              messagecenter::control::v1::Template* resp) override;
  grpc::Status UpdateTemplate(Ctx* ctx,
                              const messagecenter::control::v1::UpdateTemplateRequest* req,
                              messagecenter::control::v1::Template* resp) override;
  grpc::Status GetTemplate(Ctx* ctx, const messagecenter::control::v1::GetTemplateRequest* req,
                           messagecenter::control::v1::Template* resp) override;
  grpc::Status ListTemplates(Ctx* ctx, const messagecenter::control::v1::ListTemplatesRequest* req,
                             messagecenter::control::v1::ListTemplatesResponse* resp) override;
  grpc::Status DeleteTemplate(Ctx* ctx,
                              const messagecenter::control::v1::DeleteTemplateRequest* req,
                              messagecenter::control::v1::DeleteTemplateResponse* resp) override;
  grpc::Status PreviewTemplate(Ctx* ctx,
                               const messagecenter::control::v1::PreviewTemplateRequest* req,
                               messagecenter::control::v1::PreviewTemplateResponse* resp) override;
  grpc::Status PublishTemplate(Ctx* ctx,
                               const messagecenter::control::v1::PublishTemplateRequest* req,
                               messagecenter::control::v1::PublishTemplateResponse* resp) override;
  grpc::Status UnpublishTemplate(
      Ctx* ctx, const messagecenter::control::v1::UnpublishTemplateRequest* req,
      messagecenter::control::v1::UnpublishTemplateResponse* resp) override;
  grpc::Status SendProof(Ctx* ctx, const messagecenter::control::v1::SendProofRequest* req,
                         messagecenter::control::v1::SendProofResponse* resp) override;

 private:
  TemplateAuthoring& authoring_;
};

}  // namespace mc::control
