#include "execution-service/api/template_grpc_service.h"

#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"
#include "common/template_proto/template_proto.h"
#include "execution-service/api/event_proto.h"
#include "execution-service/api/struct_json.h"

namespace mc::execution {
namespace v1 = messagecenter::v1;
using status::ToGrpc;

TemplateGrpcService::TemplateGrpcService(TemplatePublishing& publishing, ProofSender& proofs,
                                         grpcutil::CallGate& gate)
    : GatedService(gate), publishing_(publishing), proofs_(proofs) {
  ServeUnary("PublishTemplate", &TemplateGrpcService::PublishTemplate);
  ServeUnary("UnpublishTemplate", &TemplateGrpcService::UnpublishTemplate);
  ServeUnary("ListTemplates", &TemplateGrpcService::ListTemplates);
  ServeUnary("SendProof", &TemplateGrpcService::SendProof);
}

namespace {

void ToProto(const PublishedTemplate& t, v1::PublishedTemplate* p) {
  p->set_id(t.id);
  p->set_queue(QueueToProto(t.queue));
  TimeToProto(t.published, p->mutable_published());
  templateproto::TemplateToProto(t.content, p->mutable_template_());
}

absl::StatusOr<std::vector<ProofSeed>> SeedsFromProto(const v1::SendProofRequest& request) {
  std::vector<ProofSeed> seeds;
  for (int i = 0; i < request.seeds_size(); ++i) {
    const v1::ProofSeed& p = request.seeds(i);
    ProofSeed seed{.address = p.address(), .language = p.language(), .country = p.country()};
    std::string json;
    if (absl::Status s = StructToJson(p.ctx(), &json); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("seeds[", i, "].", s.message()));
    }
    seed.ctx = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    seeds.push_back(std::move(seed));
  }
  return seeds;
}

}  // namespace

grpc::Status TemplateGrpcService::PublishTemplate(grpc::ServerContext* context,
                                                  const v1::PublishTemplateRequest* request,
                                                  v1::PublishTemplateResponse* response) {
  const TemplateContent c = templateproto::TemplateFromProto(request->template_());
  absl::StatusOr<std::vector<PublishedTemplate>> copies = publishing_.Publish(c);
  if (!copies.ok()) return ToGrpc(copies.status());
  for (const PublishedTemplate& t : *copies) ToProto(t, response->add_copies());
  return grpc::Status::OK;
}

grpc::Status TemplateGrpcService::UnpublishTemplate(grpc::ServerContext* context,
                                                    const v1::UnpublishTemplateRequest* request,
                                                    v1::UnpublishTemplateResponse* response) {
  absl::StatusOr<int> n = publishing_.Unpublish(request->internal_name());
  if (!n.ok()) return ToGrpc(n.status());
  response->set_unpublished(*n);
  return grpc::Status::OK;
}

grpc::Status TemplateGrpcService::ListTemplates(grpc::ServerContext* context,
                                                const v1::ListTemplatesRequest* request,
                                                v1::ListTemplatesResponse* response) {
  absl::StatusOr<std::vector<PublishedTemplate>> list =
      publishing_.List(request->include_unpublished());
  if (!list.ok()) return ToGrpc(list.status());
  for (const PublishedTemplate& t : *list) ToProto(t, response->add_templates());
  return grpc::Status::OK;
}

grpc::Status TemplateGrpcService::SendProof(grpc::ServerContext* context,
                                            const v1::SendProofRequest* request,
                                            v1::SendProofResponse* response) {
  absl::StatusOr<std::vector<ProofSeed>> seeds = SeedsFromProto(*request);
  if (!seeds.ok()) return ToGrpc(seeds.status());
  absl::StatusOr<std::vector<ProofOutcome>> outcomes =
      proofs_.Send(templateproto::TemplateFromProto(request->template_()), *seeds);
  if (!outcomes.ok()) return ToGrpc(outcomes.status());
  for (const ProofOutcome& o : *outcomes) {
    v1::ProofOutcome* p = response->add_outcomes();
    p->set_address(o.address);
    p->set_code(static_cast<int>(o.status.code()));
    p->set_message(std::string(o.status.message()));
    p->set_message_id(o.message_id);
    p->set_language(o.language);
  }
  return grpc::Status::OK;
}

}  // namespace mc::execution
