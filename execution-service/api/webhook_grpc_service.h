// WebhookGrpcService: the messagecenter.v1 WebhookService handlers of the execution instance
// (subscriptions published by the control instance; list, resume, replay). Behind the call gate
// (token, role from api/method_roles.cc, parsing: common/grpc/gated_service.h), it converts
// proto <-> domain and calls SubscriptionRegistry; statuses are converted in common/status only.
// Secrets go in, never out.
// Thread-safe.
#pragma once

#include "common/grpc/gated_service.h"
#include "execution-service/subscriptions/subscription_registry.h"
#include "messagecenter/v1/webhooks.grpc.pb.h"

namespace mc::execution {

class WebhookGrpcService final : public grpcutil::GatedService<messagecenter::v1::WebhookService> {
 public:
  WebhookGrpcService(SubscriptionRegistry& registry, grpcutil::CallGate& gate);

  grpc::Status PutSubscription(grpc::ServerContext* context,
                               const messagecenter::v1::PutSubscriptionRequest* request,
                               messagecenter::v1::SubscriptionStatus* response) override;
  grpc::Status DeleteSubscription(grpc::ServerContext* context,
                                  const messagecenter::v1::DeleteSubscriptionRequest* request,
                                  messagecenter::v1::DeleteSubscriptionResponse* response) override;
  grpc::Status ListSubscriptions(grpc::ServerContext* context,
                                 const messagecenter::v1::ListSubscriptionsRequest* request,
                                 messagecenter::v1::ListSubscriptionsResponse* response) override;
  grpc::Status ResumeSubscription(grpc::ServerContext* context,
                                  const messagecenter::v1::ResumeSubscriptionRequest* request,
                                  messagecenter::v1::SubscriptionStatus* response) override;
  grpc::Status ReplayWebhooks(grpc::ServerContext* context,
                              const messagecenter::v1::ReplayWebhooksRequest* request,
                              messagecenter::v1::ReplayWebhooksResponse* response) override;

 private:
  SubscriptionRegistry& registry_;
};

}  // namespace mc::execution
