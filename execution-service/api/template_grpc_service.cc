#include "execution-service/api/template_grpc_service.h"

#include "common/status/grpc_status.h"
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
  v1::Template* c = p->mutable_template_();
  c->set_internal_name(t.content.internal_name);
  c->set_label(t.content.label);
  c->set_event_type(t.content.event_type);
  c->set_channel(static_cast<v1::Channel>(t.content.channel));
  c->set_version(t.content.version);
  c->set_subject(t.content.subject);
  c->set_html_body(t.content.html_body);
  c->set_text_body(t.content.text_body);
  c->set_sms_text(t.content.sms_text);
}

}  // namespace

grpc::Status TemplateGrpcService::PublishTemplate(grpc::ServerContext* context,
                                                  const v1::PublishTemplateRequest* request,
                                                  v1::PublishTemplateResponse* response) {
  const v1::Template& p = request->template_();
  TemplateContent c{.internal_name = p.internal_name(),
                    .label = p.label(),
                    .event_type = p.event_type(),
                    .channel = p.channel(),
                    .version = p.version(),
                    .subject = p.subject(),
                    .html_body = p.html_body(),
                    .text_body = p.text_body(),
                    .sms_text = p.sms_text()};
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
