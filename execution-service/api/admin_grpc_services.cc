#include "execution-service/api/admin_grpc_services.h"

#include "common/status/grpc_status.h"
#include "execution-service/api/event_proto.h"
#include "execution-service/api/workflow_proto.h"

namespace mc::execution {
namespace v1 = messagecenter::v1;
using status::ToGrpc;

TemplateGrpcService::TemplateGrpcService(TemplatePublishing& publishing, grpcutil::CallGate& gate)
    : GatedService(gate), publishing_(publishing) {
  ServeUnary("PublishTemplate", &TemplateGrpcService::PublishTemplate);
  ServeUnary("UnpublishTemplate", &TemplateGrpcService::UnpublishTemplate);
  ServeUnary("ListTemplates", &TemplateGrpcService::ListTemplates);
}

WorkflowGrpcService::WorkflowGrpcService(WorkflowControl& control, grpcutil::CallGate& gate)
    : GatedService(gate), control_(control) {
  ServeUnary("ListWorkflows", &WorkflowGrpcService::ListWorkflows);
  ServeUnary("StartWorkflow", &WorkflowGrpcService::StartWorkflow);
  ServeUnary("PauseWorkflow", &WorkflowGrpcService::PauseWorkflow);
  ServeUnary("StopWorkflow", &WorkflowGrpcService::StopWorkflow);
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

grpc::Status WorkflowGrpcService::ListWorkflows(grpc::ServerContext* context,
                                                const v1::ListWorkflowsRequest*,
                                                v1::ListWorkflowsResponse* response) {
  absl::StatusOr<std::vector<WorkflowInfo>> list = control_.List();
  if (!list.ok()) return ToGrpc(list.status());
  for (const WorkflowInfo& w : *list) WorkflowToProto(w, response->add_workflows());
  return grpc::Status::OK;
}

grpc::Status WorkflowGrpcService::Change(grpc::ServerContext* context, const std::string& name,
                                         WorkflowState state, v1::Workflow* response) {
  absl::StatusOr<WorkflowInfo> w = control_.Change(name, state);
  if (!w.ok()) return ToGrpc(w.status());
  WorkflowToProto(*w, response);
  return grpc::Status::OK;
}

grpc::Status WorkflowGrpcService::StartWorkflow(grpc::ServerContext* context,
                                                const v1::ChangeWorkflowRequest* request,
                                                v1::Workflow* response) {
  return Change(context, request->internal_name(), WorkflowState::kStarted, response);
}

grpc::Status WorkflowGrpcService::PauseWorkflow(grpc::ServerContext* context,
                                                const v1::ChangeWorkflowRequest* request,
                                                v1::Workflow* response) {
  return Change(context, request->internal_name(), WorkflowState::kPaused, response);
}

grpc::Status WorkflowGrpcService::StopWorkflow(grpc::ServerContext* context,
                                               const v1::ChangeWorkflowRequest* request,
                                               v1::Workflow* response) {
  return Change(context, request->internal_name(), WorkflowState::kStopped, response);
}

}  // namespace mc::execution
