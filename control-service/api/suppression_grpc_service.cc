#include "control-service/api/suppression_grpc_service.h"

#include "common/grpc/bearer_auth.h"
#include "common/status/grpc_status.h"
#include "control-service/api/control_proto.h"
#include "control-service/execution/suppression_proto.h"

namespace mc::control {
namespace pb = messagecenter::control::v1;
using status::ToGrpc;

SuppressionGrpcService::SuppressionGrpcService(SuppressionFanout& fanout, grpcutil::CallGate& gate)
    : GatedService(gate), fanout_(fanout), caller_gate_(gate) {
  ServeUnary("ListSuppressions", &SuppressionGrpcService::ListSuppressions);
  ServeUnary("AddSuppression", &SuppressionGrpcService::AddSuppression);
  ServeUnary("RemoveSuppression", &SuppressionGrpcService::RemoveSuppression);
  ServeUnary("ReactivateSuppression", &SuppressionGrpcService::ReactivateSuppression);
}

std::string SuppressionGrpcService::Actor(const Ctx& ctx, const std::string& given) const {
  if (!given.empty()) return given;
  return grpcutil::RolesName(caller_gate_.CallerRoles(ctx));
}

namespace {

std::vector<std::string> Accounts(const google::protobuf::RepeatedPtrField<std::string>& p) {
  return {p.begin(), p.end()};
}

grpc::Status Reply(const absl::StatusOr<std::vector<SuppressionOutcome>>& outcomes,
                   pb::SuppressionChange* resp) {
  if (!outcomes.ok()) return ToGrpc(outcomes.status());
  for (const SuppressionOutcome& o : *outcomes) {
    pb::SuppressionOutcome* p = resp->add_outcomes();
    p->set_account(o.account);
    p->set_instance_id(o.instance_id);
    p->set_code(o.code);
    p->set_message(o.message);
    if (o.entry) SuppressionToProto(*o.entry, p->mutable_suppression());
  }
  return grpc::Status::OK;
}

}  // namespace

grpc::Status SuppressionGrpcService::ListSuppressions(Ctx* ctx,
                                                      const pb::ListSuppressionsRequest* req,
                                                      pb::ListSuppressionsResponse* resp) {
  SuppressionFilter filter{.address = req->address(),
                           .kind = static_cast<SuppressionKind>(req->kind()),
                           .failure_type = req->failure_type(),
                           .page_size = req->page_size(),
                           .page_token = req->page_token()};
  if (req->has_channel()) filter.channel = req->channel();
  for (int s : req->states()) filter.states.push_back(static_cast<SuppressionState>(s));
  absl::StatusOr<SuppressionListing> listing = fanout_.List(req->account(), filter);
  if (!listing.ok()) return ToGrpc(listing.status());
  resp->mutable_suppressions()->Reserve(static_cast<int>(listing->entries.size()));
  for (const AccountSuppression& s : listing->entries) {
    pb::AccountSuppression* p = resp->add_suppressions();
    p->set_account(s.account);
    p->set_instance_id(s.instance_id);
    SuppressionToProto(s.entry, p->mutable_suppression());
  }
  for (const InstanceOutcome& o : listing->errors) OutcomeToProto(o, resp->add_errors());
  for (const NextInstancePage& m : listing->more) {
    pb::InstanceNextPage* p = resp->add_more();
    p->set_account(m.account);
    p->set_page_token(m.page_token);
  }
  return grpc::Status::OK;
}

grpc::Status SuppressionGrpcService::AddSuppression(Ctx* ctx, const pb::AddSuppressionRequest* req,
                                                    pb::SuppressionChange* resp) {
  return Reply(fanout_.Add({.channel = req->channel(),
                            .address = req->address(),
                            .kind = static_cast<SuppressionKind>(req->kind()),
                            .reason = req->reason(),
                            .actor = Actor(*ctx, req->actor())},
                           Accounts(req->accounts())),
               resp);
}

grpc::Status SuppressionGrpcService::RemoveSuppression(Ctx* ctx,
                                                       const pb::ChangeSuppressionRequest* req,
                                                       pb::SuppressionChange* resp) {
  return Reply(fanout_.Remove({.channel = req->channel(),
                               .address = req->address(),
                               .actor = Actor(*ctx, req->actor())},
                              Accounts(req->accounts())),
               resp);
}

grpc::Status SuppressionGrpcService::ReactivateSuppression(Ctx* ctx,
                                                           const pb::ChangeSuppressionRequest* req,
                                                           pb::SuppressionChange* resp) {
  return Reply(fanout_.Reactivate({.channel = req->channel(),
                                   .address = req->address(),
                                   .actor = Actor(*ctx, req->actor())},
                                  Accounts(req->accounts())),
               resp);
}

}  // namespace mc::control
