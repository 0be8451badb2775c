#include "execution-service/api/template_grpc_service.h"

#include "common/status/grpc_status.h"
#include "common/template_proto/template_proto.h"
#include "execution-service/api/event_proto.h"

namespace mc::execution {
namespace v1 = messagecenter::v1;
using status::ToGrpc;

TemplateGrpcService::TemplateGrpcService(TemplatePublishing& publishing, grpcutil::CallGate& gate)
    : GatedService(gate), publishing_(publishing) {
  ServeUnary("PublishTemplate", &TemplateGrpcService::PublishTemplate);
  ServeUnary("UnpublishTemplate", &TemplateGrpcService::UnpublishTemplate);
  ServeUnary("ListTemplates", &TemplateGrpcService::ListTemplates);
}

namespace {

void ToProto(const PublishedTemplate& t, v1::PublishedTemplate* p) {
  p->set_id(t.id);
  p->set_queue(QueueToProto(t.queue));
  TimeToProto(t.published, p->mutable_published());
  templateproto::TemplateToProto(t.content, p->mutable_template_());
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

}  // namespace mc::execution
