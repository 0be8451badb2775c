#include "control-service/api/subscription_grpc_service.h"

#include "common/grpc/timestamps.h"
#include "common/status/grpc_status.h"
#include "control-service/api/control_proto.h"
#include "control-service/api/subscription_proto.h"

namespace mc::control {
namespace pb = messagecenter::control::v1;
using status::ToGrpc;

SubscriptionGrpcService::SubscriptionGrpcService(SubscriptionAuthoring& authoring,
                                                 grpcutil::CallGate& gate)
    : GatedService(gate), authoring_(authoring) {
  ServeUnary("CreateSubscription", &SubscriptionGrpcService::CreateSubscription);
  ServeUnary("UpdateSubscription", &SubscriptionGrpcService::UpdateSubscription);
  ServeUnary("GetSubscription", &SubscriptionGrpcService::GetSubscription);
  ServeUnary("ListSubscriptions", &SubscriptionGrpcService::ListSubscriptions);
  ServeUnary("DeleteSubscription", &SubscriptionGrpcService::DeleteSubscription);
  ServeUnary("RotateSecret", &SubscriptionGrpcService::RotateSecret);
  ServeUnary("GetSubscriptionStates", &SubscriptionGrpcService::GetSubscriptionStates);
  ServeUnary("ResumeSubscription", &SubscriptionGrpcService::ResumeSubscription);
  ServeUnary("ReplayWebhooks", &SubscriptionGrpcService::ReplayWebhooks);
  ServeUnary("PublishSubscriptions", &SubscriptionGrpcService::PublishSubscriptions);
}

namespace {

grpc::Status Reply(const absl::StatusOr<SubscriptionChange>& c, pb::SubscriptionChange* resp) {
  if (!c.ok()) return ToGrpc(c.status());
  SubscriptionToProto(c->subscription, resp->mutable_subscription());
  for (const InstanceOutcome& o : c->outcomes) OutcomeToProto(o, resp->add_outcomes());
  resp->set_secret(c->generated_secret);
  return grpc::Status::OK;
}

template <typename Response>
grpc::Status ReplyInstances(const absl::StatusOr<std::vector<SubscriptionOnInstance>>& r,
                            Response* resp) {
  if (!r.ok()) return ToGrpc(r.status());
  for (const SubscriptionOnInstance& s : *r)
    SubscriptionOnInstanceToProto(s, resp->add_instances());
  return grpc::Status::OK;
}

template <typename Response>
grpc::Status ReplyOutcomes(const absl::StatusOr<std::vector<InstanceOutcome>>& r, Response* resp) {
  if (!r.ok()) return ToGrpc(r.status());
  for (const InstanceOutcome& o : *r) OutcomeToProto(o, resp->add_outcomes());
  return grpc::Status::OK;
}

}  // namespace

grpc::Status SubscriptionGrpcService::CreateSubscription(Ctx* ctx,
                                                         const pb::CreateSubscriptionRequest* req,
                                                         pb::SubscriptionChange* resp) {
  return Reply(authoring_.Create(SubscriptionFromProto(req->subscription()), req->secret()), resp);
}

grpc::Status SubscriptionGrpcService::UpdateSubscription(Ctx* ctx,
                                                         const pb::UpdateSubscriptionRequest* req,
                                                         pb::SubscriptionChange* resp) {
  return Reply(authoring_.Update(SubscriptionFromProto(req->subscription())), resp);
}

grpc::Status SubscriptionGrpcService::GetSubscription(Ctx* ctx,
                                                      const pb::GetSubscriptionRequest* req,
                                                      pb::Subscription* resp) {
  absl::StatusOr<Subscription> s = authoring_.Get(req->name());
  if (!s.ok()) return ToGrpc(s.status());
  SubscriptionToProto(*s, resp);
  return grpc::Status::OK;
}

grpc::Status SubscriptionGrpcService::ListSubscriptions(Ctx* ctx,
                                                        const pb::ListSubscriptionsRequest* req,
                                                        pb::ListSubscriptionsResponse* resp) {
  absl::StatusOr<std::vector<Subscription>> all = authoring_.List();
  if (!all.ok()) return ToGrpc(all.status());
  for (const Subscription& s : *all) SubscriptionToProto(s, resp->add_subscriptions());
  return grpc::Status::OK;
}

grpc::Status SubscriptionGrpcService::DeleteSubscription(Ctx* ctx,
                                                         const pb::DeleteSubscriptionRequest* req,
                                                         pb::DeleteSubscriptionResponse* resp) {
  return ReplyOutcomes(authoring_.Delete(req->name()), resp);
}

grpc::Status SubscriptionGrpcService::RotateSecret(Ctx* ctx, const pb::RotateSecretRequest* req,
                                                   pb::SubscriptionChange* resp) {
  return Reply(authoring_.RotateSecret(req->name(), req->secret(), req->overlap_seconds()), resp);
}

grpc::Status SubscriptionGrpcService::GetSubscriptionStates(
    Ctx* ctx, const pb::SubscriptionStatesRequest* req, pb::SubscriptionStatesResponse* resp) {
  return ReplyInstances(authoring_.States(req->name()), resp);
}

grpc::Status SubscriptionGrpcService::ResumeSubscription(Ctx* ctx,
                                                         const pb::ResumeSubscriptionRequest* req,
                                                         pb::ResumeSubscriptionResponse* resp) {
  return ReplyInstances(
      authoring_.Resume(req->name(), {req->accounts().begin(), req->accounts().end()}), resp);
}

grpc::Status SubscriptionGrpcService::ReplayWebhooks(Ctx* ctx, const pb::ReplayWebhooksRequest* req,
                                                     pb::ReplayWebhooksResponse* resp) {
  if (!req->has_since()) {
    return ToGrpc(absl::InvalidArgumentError("since: required (the webhooks queued from then)"));
  }
  absl::StatusOr<ReplayResult> r =
      authoring_.Replay(req->name(), grpcutil::FromTimestamp(req->since()),
                        {req->accounts().begin(), req->accounts().end()});
  if (!r.ok()) return ToGrpc(r.status());
  for (const InstanceOutcome& o : r->outcomes) OutcomeToProto(o, resp->add_outcomes());
  resp->set_replayed(r->replayed);
  return grpc::Status::OK;
}

grpc::Status SubscriptionGrpcService::PublishSubscriptions(
    Ctx* ctx, const pb::PublishSubscriptionsRequest* req, pb::PublishSubscriptionsResponse* resp) {
  return ReplyOutcomes(authoring_.PublishAll(), resp);
}

}  // namespace mc::control
