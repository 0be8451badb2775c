#include "control-service/api/template_grpc_service.h"

#include <optional>

#include "common/status/grpc_status.h"
#include "control-service/api/control_proto.h"

namespace mc::control {
namespace pb = messagecenter::control::v1;
using status::ToGrpc;

TemplateGrpcService::TemplateGrpcService(TemplateAuthoring& authoring, grpcutil::CallGate& gate)
    : GatedService(gate), authoring_(authoring) {
  ServeUnary("CreateTemplate", &TemplateGrpcService::CreateTemplate);
  ServeUnary("UpdateTemplate", &TemplateGrpcService::UpdateTemplate);
  ServeUnary("GetTemplate", &TemplateGrpcService::GetTemplate);
  ServeUnary("ListTemplates", &TemplateGrpcService::ListTemplates);
  ServeUnary("DeleteTemplate", &TemplateGrpcService::DeleteTemplate);
  ServeUnary("PreviewTemplate", &TemplateGrpcService::PreviewTemplate);
  ServeUnary("PublishTemplate", &TemplateGrpcService::PublishTemplate);
  ServeUnary("UnpublishTemplate", &TemplateGrpcService::UnpublishTemplate);
  ServeUnary("SendProof", &TemplateGrpcService::SendProof);
}

namespace {

grpc::Status Reply(const absl::StatusOr<AuthoredTemplate>& t, pb::Template* resp) {
  if (!t.ok()) return ToGrpc(t.status());
  TemplateToProto(*t, resp);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status TemplateGrpcService::CreateTemplate(Ctx* ctx, const pb::CreateTemplateRequest* req,
                                                 pb::Template* resp) {
  absl::StatusOr<AuthoredTemplate> t = TemplateFromProto(req->template_());
  if (!t.ok()) return ToGrpc(t.status());
  return Reply(authoring_.Create(*t), resp);
}

grpc::Status TemplateGrpcService::UpdateTemplate(Ctx* ctx, const pb::UpdateTemplateRequest* req,
                                                 pb::Template* resp) {
  absl::StatusOr<AuthoredTemplate> t = TemplateFromProto(req->template_());
  if (!t.ok()) return ToGrpc(t.status());
  return Reply(authoring_.Update(*t), resp);
}

grpc::Status TemplateGrpcService::GetTemplate(Ctx* ctx, const pb::GetTemplateRequest* req,
                                              pb::Template* resp) {
  return Reply(authoring_.Get(req->internal_name()), resp);
}

grpc::Status TemplateGrpcService::ListTemplates(Ctx* ctx, const pb::ListTemplatesRequest* req,
                                                pb::ListTemplatesResponse* resp) {
  absl::StatusOr<std::vector<AuthoredTemplate>> list = authoring_.List();
  if (!list.ok()) return ToGrpc(list.status());
  for (const AuthoredTemplate& t : *list) TemplateToProto(t, resp->add_templates());
  return grpc::Status::OK;
}

grpc::Status TemplateGrpcService::DeleteTemplate(Ctx* ctx, const pb::DeleteTemplateRequest* req,
                                                 pb::DeleteTemplateResponse* resp) {
  return ToGrpc(authoring_.Delete(req->internal_name()));
}

grpc::Status TemplateGrpcService::PreviewTemplate(Ctx* ctx, const pb::PreviewTemplateRequest* req,
                                                  pb::PreviewTemplateResponse* resp) {
  std::optional<AuthoredTemplate> draft;
  if (req->has_draft()) {
    absl::StatusOr<AuthoredTemplate> d = TemplateFromProto(req->draft());
    if (!d.ok()) return ToGrpc(d.status());
    draft = *std::move(d);
  }
  absl::StatusOr<RenderedPreview> p =
      authoring_.Preview(req->internal_name(), req->seed_index(), draft ? &*draft : nullptr);
  if (!p.ok()) return ToGrpc(p.status());
  resp->set_address(p->address);
  resp->set_subject(p->subject);
  resp->set_html_body(p->html_body);
  resp->set_text_body(p->text_body);
  resp->set_sms_text(p->sms_text);
  return grpc::Status::OK;
}

grpc::Status TemplateGrpcService::PublishTemplate(Ctx* ctx, const pb::PublishTemplateRequest* req,
                                                  pb::PublishTemplateResponse* resp) {
  absl::StatusOr<PublicationResult> r = authoring_.Publish(req->internal_name());
  if (!r.ok()) return ToGrpc(r.status());
  TemplateToProto(r->template_, resp->mutable_template_());
  resp->set_version(r->version);
  for (const InstanceOutcome& o : r->outcomes) OutcomeToProto(o, resp->add_outcomes());
  return grpc::Status::OK;
}

grpc::Status TemplateGrpcService::UnpublishTemplate(Ctx* ctx,
                                                    const pb::UnpublishTemplateRequest* req,
                                                    pb::UnpublishTemplateResponse* resp) {
  absl::StatusOr<PublicationResult> r = authoring_.Unpublish(req->internal_name());
  if (!r.ok()) return ToGrpc(r.status());
  TemplateToProto(r->template_, resp->mutable_template_());
  for (const InstanceOutcome& o : r->outcomes) OutcomeToProto(o, resp->add_outcomes());
  return grpc::Status::OK;
}

grpc::Status TemplateGrpcService::SendProof(Ctx* ctx, const pb::SendProofRequest* req,
                                            pb::SendProofResponse* resp) {
  absl::StatusOr<ProofResult> r = authoring_.SendProof(req->internal_name(), req->instance());
  if (!r.ok()) return ToGrpc(r.status());
  resp->set_account(r->account);
  for (const ProofOutcome& o : r->outcomes) {
    messagecenter::v1::ProofOutcome* p = resp->add_outcomes();
    p->set_address(o.address);
    p->set_code(o.code);
    p->set_message(o.message);
    p->set_message_id(o.message_id);
    p->set_language(o.language);
  }
  return grpc::Status::OK;
}

}  // namespace mc::control
