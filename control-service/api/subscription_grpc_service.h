// SubscriptionGrpcService: the messagecenter.control.v1.SubscriptionService handlers. Behind
// the call gate (token, role, parsing: common/grpc/gated_service.h), each converts proto <->
// domain and calls SubscriptionAuthoring; statuses are converted in one place
// (common/status/grpc_status.h). A secret is written into a response only when the control
// made it (SubscriptionChange.secret). Thread-safe.
#pragma once

#include "common/grpc/gated_service.h"
#include "control-service/webhooks/subscription_authoring.h"
#include "messagecenter/control/v1/control.grpc.pb.h"

namespace mc::control {

class SubscriptionGrpcService final
    : public grpcutil::GatedService<messagecenter::control::v1::SubscriptionService> {
 public:
  SubscriptionGrpcService(SubscriptionAuthoring& authoring, grpcutil::CallGate& gate);

  using Ctx = grpc::ServerContext;
  grpc::Status CreateSubscription(Ctx* ctx,
                                  const messagecenter::control::v1::CreateSubscriptionRequest* req,
                                  messagecenter::control::v1::SubscriptionChange* resp) override;
  grpc::Status UpdateSubscription(Ctx* ctx,
                                  const messagecenter::control::v1::UpdateSubscriptionRequest* req,
                                  messagecenter::control::v1::SubscriptionChange* resp) override;
  grpc::Status GetSubscription(Ctx* ctx,
                               const messagecenter::control::v1::GetSubscriptionRequest* req,
                               messagecenter::control::v1::Subscription* resp) override;
  grpc::Status ListSubscriptions(
      Ctx* ctx, const messagecenter::control::v1::ListSubscriptionsRequest* req,
      messagecenter::control::v1::ListSubscriptionsResponse* resp) override;
  grpc::Status DeleteSubscription(
      Ctx* ctx, const messagecenter::control::v1::DeleteSubscriptionRequest* req,
      messagecenter::control::v1::DeleteSubscriptionResponse* resp) override;
  grpc::Status RotateSecret(Ctx* ctx, const messagecenter::control::v1::RotateSecretRequest* req,
                            messagecenter::control::v1::SubscriptionChange* resp) override;
  grpc::Status GetSubscriptionStates(
      Ctx* ctx, const messagecenter::control::v1::SubscriptionStatesRequest* req,
      messagecenter::control::v1::SubscriptionStatesResponse* resp) override;
  grpc::Status ResumeSubscription(
      Ctx* ctx, const messagecenter::control::v1::ResumeSubscriptionRequest* req,
      messagecenter::control::v1::ResumeSubscriptionResponse* resp) override;
  grpc::Status ReplayWebhooks(Ctx* ctx,
                              const messagecenter::control::v1::ReplayWebhooksRequest* req,
                              messagecenter::control::v1::ReplayWebhooksResponse* resp) override;
  grpc::Status PublishSubscriptions(
      Ctx* ctx, const messagecenter::control::v1::PublishSubscriptionsRequest* req,
      messagecenter::control::v1::PublishSubscriptionsResponse* resp) override;

 private:
  SubscriptionAuthoring& authoring_;
};

}  // namespace mc::control
