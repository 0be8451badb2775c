#include "execution-service/api/suppression_grpc_service.h"

#include "common/status/grpc_status.h"
#include "execution-service/api/event_proto.h"

namespace mc::execution {
namespace v1 = messagecenter::v1;
using status::ToGrpc;

void SuppressionToProto(const SuppressionEntry& e, v1::Suppression* p) {
  p->set_channel(e.channel);
  p->set_address(e.address);
  p->set_kind(static_cast<v1::SuppressionKind>(e.kind));
  p->set_failure_type(e.failure_type);
  p->set_reason(e.reason);
  p->set_errors(e.errors);
  TimeToProto(e.first_seen, p->mutable_first_seen());
  TimeToProto(e.last_seen, p->mutable_last_seen());
  if (e.expires) TimeToProto(*e.expires, p->mutable_expires());
  p->set_state(static_cast<v1::SuppressionState>(e.state));
  p->set_event_queue(e.event_queue);
  p->set_event_id(e.event_id);
  p->set_changed_by(e.changed_by);
  TimeToProto(e.changed_at, p->mutable_changed_at());
  if (e.removed) TimeToProto(*e.removed, p->mutable_removed());
}

SuppressionGrpcService::SuppressionGrpcService(SuppressionList& list, grpcutil::CallGate& gate)
    : GatedService(gate), list_(list), caller_gate_(gate) {
  ServeUnary("ListSuppressions", &SuppressionGrpcService::ListSuppressions);
  ServeUnary("AddSuppression", &SuppressionGrpcService::AddSuppression);
  ServeUnary("RemoveSuppression", &SuppressionGrpcService::RemoveSuppression);
  ServeUnary("ReactivateSuppression", &SuppressionGrpcService::ReactivateSuppression);
}

std::string SuppressionGrpcService::Actor(const grpc::ServerContext& context,
                                          const std::string& given) const {
  if (!given.empty()) return given;
  return grpcutil::RolesName(caller_gate_.CallerRoles(context));
}

grpc::Status SuppressionGrpcService::ListSuppressions(grpc::ServerContext* context,
                                                      const v1::ListSuppressionsRequest* request,
                                                      v1::ListSuppressionsResponse* response) {
  SuppressionListRequest r{.address = request->address(),
                           .kind = static_cast<SuppressionKind>(request->kind()),
                           .failure_type = request->failure_type(),
                           .page_size = request->page_size(),
                           .page_token = request->page_token()};
  if (request->has_channel()) r.channel = request->channel();
  for (int s : request->states()) r.states.push_back(static_cast<SuppressionState>(s));
  absl::StatusOr<SuppressionListPage> page = list_.List(r);
  if (!page.ok()) return ToGrpc(page.status());
  response->mutable_suppressions()->Reserve(static_cast<int>(page->entries.size()));
  for (const SuppressionEntry& e : page->entries) {
    SuppressionToProto(e, response->add_suppressions());
  }
  response->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status SuppressionGrpcService::AddSuppression(grpc::ServerContext* context,
                                                    const v1::AddSuppressionRequest* request,
                                                    v1::Suppression* response) {
  absl::StatusOr<SuppressionEntry> e = list_.Add(
      request->channel(), request->address(), static_cast<SuppressionKind>(request->kind()),
      request->reason(), Actor(*context, request->actor()));
  if (!e.ok()) return ToGrpc(e.status());
  SuppressionToProto(*e, response);
  return grpc::Status::OK;
}

grpc::Status SuppressionGrpcService::RemoveSuppression(grpc::ServerContext* context,
                                                       const v1::SuppressionRef* request,
                                                       v1::Suppression* response) {
  absl::StatusOr<SuppressionEntry> e =
      list_.Remove(request->channel(), request->address(), Actor(*context, request->actor()));
  if (!e.ok()) return ToGrpc(e.status());
  SuppressionToProto(*e, response);
  return grpc::Status::OK;
}

grpc::Status SuppressionGrpcService::ReactivateSuppression(grpc::ServerContext* context,
                                                           const v1::SuppressionRef* request,
                                                           v1::Suppression* response) {
  absl::StatusOr<SuppressionEntry> e =
      list_.Reactivate(request->channel(), request->address(), Actor(*context, request->actor()));
  if (!e.ok()) return ToGrpc(e.status());
  SuppressionToProto(*e, response);
  return grpc::Status::OK;
}

}  // namespace mc::execution
