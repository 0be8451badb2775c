#include "execution-service/api/webhook_grpc_service.h"

#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"
#include "execution-service/api/event_proto.h"

namespace mc::execution {
namespace v1 = messagecenter::v1;
using status::ToGrpc;

WebhookGrpcService::WebhookGrpcService(SubscriptionRegistry& registry, grpcutil::CallGate& gate)
    : GatedService(gate), registry_(registry) {
  ServeUnary("PutSubscription", &WebhookGrpcService::PutSubscription);
  ServeUnary("DeleteSubscription", &WebhookGrpcService::DeleteSubscription);
  ServeUnary("ListSubscriptions", &WebhookGrpcService::ListSubscriptions);
  ServeUnary("ResumeSubscription", &WebhookGrpcService::ResumeSubscription);
  ServeUnary("ReplayWebhooks", &WebhookGrpcService::ReplayWebhooks);
}

namespace {

void ToProto(const SubscriptionStatus& s, v1::SubscriptionStatus* p) {
  v1::WebhookSubscription* d = p->mutable_subscription();
  d->set_name(s.subscription.name);
  d->set_url(s.subscription.url);
  for (EventStatus st : s.subscription.statuses) {
    d->add_statuses(static_cast<v1::EventStatus>(st));
  }
  for (const std::string& t : s.subscription.event_types) d->add_event_types(t);
  d->set_every_attempt(s.subscription.every_attempt);
  d->set_max_batch(s.subscription.max_batch);
  d->set_version(s.subscription.version);
  d->set_disabled(s.subscription.disabled);
  p->set_state(s.state == EndpointState::kPausedFailing ? v1::SUBSCRIPTION_STATE_PAUSED_FAILING
                                                        : v1::SUBSCRIPTION_STATE_ACTIVE);
  p->set_secrets(s.secrets);
  if (s.failing_since) TimeToProto(*s.failing_since, p->mutable_failing_since());
  p->set_last_error(s.last_error);
  if (s.last_success) TimeToProto(*s.last_success, p->mutable_last_success());
  p->set_queued(s.queued);
  p->set_delivered(s.delivered);
  p->set_failed(s.failed);
}

}  // namespace

grpc::Status WebhookGrpcService::PutSubscription(grpc::ServerContext* context,
                                                 const v1::PutSubscriptionRequest* request,
                                                 v1::SubscriptionStatus* response) {
  const v1::WebhookSubscription& p = request->subscription();
  Subscription s{.name = p.name(),
                 .url = p.url(),
                 .every_attempt = p.every_attempt(),
                 .max_batch = p.max_batch(),
                 .disabled = p.disabled(),
                 .version = p.version()};
  for (int st : p.statuses()) s.statuses.push_back(static_cast<EventStatus>(st));
  for (const std::string& t : p.event_types()) s.event_types.push_back(t);
  std::vector<SecretInput> secrets;
  for (int i = 0; i < p.secrets_size(); ++i) {
    const v1::WebhookSecret& secret = p.secrets(i);
    const std::string field = absl::StrCat("subscription.secrets[", i, "].expires");
    absl::StatusOr<std::optional<absl::Time>> expires =
        TimeFromProto(field.c_str(), secret.has_expires(), secret.expires());
    if (!expires.ok()) return ToGrpc(expires.status());
    secrets.push_back({.value = secret.value(), .expires = *expires});
  }
  absl::StatusOr<SubscriptionStatus> stored = registry_.Put(std::move(s), secrets);
  if (!stored.ok()) return ToGrpc(stored.status());
  ToProto(*stored, response);
  return grpc::Status::OK;
}

grpc::Status WebhookGrpcService::DeleteSubscription(grpc::ServerContext* context,
                                                    const v1::DeleteSubscriptionRequest* request,
                                                    v1::DeleteSubscriptionResponse* response) {
  absl::StatusOr<int64_t> dropped = registry_.Delete(request->name());
  if (!dropped.ok()) return ToGrpc(dropped.status());
  response->set_dropped(*dropped);
  return grpc::Status::OK;
}

grpc::Status WebhookGrpcService::ListSubscriptions(grpc::ServerContext* context,
                                                   const v1::ListSubscriptionsRequest* request,
                                                   v1::ListSubscriptionsResponse* response) {
  absl::StatusOr<std::vector<SubscriptionStatus>> list = registry_.List();
  if (!list.ok()) return ToGrpc(list.status());
  for (const SubscriptionStatus& s : *list) ToProto(s, response->add_subscriptions());
  return grpc::Status::OK;
}

grpc::Status WebhookGrpcService::ResumeSubscription(grpc::ServerContext* context,
                                                    const v1::ResumeSubscriptionRequest* request,
                                                    v1::SubscriptionStatus* response) {
  absl::StatusOr<SubscriptionStatus> s = registry_.Resume(request->name());
  if (!s.ok()) return ToGrpc(s.status());
  ToProto(*s, response);
  return grpc::Status::OK;
}

grpc::Status WebhookGrpcService::ReplayWebhooks(grpc::ServerContext* context,
                                                const v1::ReplayWebhooksRequest* request,
                                                v1::ReplayWebhooksResponse* response) {
  absl::StatusOr<int64_t> n;
  switch (request->what_case()) {
    case v1::ReplayWebhooksRequest::kWebhookId:
      n = registry_.ReplayOne(request->webhook_id());
      break;
    case v1::ReplayWebhooksRequest::kSince: {
      if (!request->since().has_since()) {
        return ToGrpc(absl::InvalidArgumentError("since.since: required"));
      }
      absl::StatusOr<std::optional<absl::Time>> since =
          TimeFromProto("since.since", true, request->since().since());
      if (!since.ok()) return ToGrpc(since.status());
      n = registry_.ReplaySince(
          {.subscription = request->since().subscription(), .since = **since});
      break;
    }
    default:
      return ToGrpc(absl::InvalidArgumentError("what: give webhook_id or since"));
  }
  if (!n.ok()) return ToGrpc(n.status());
  response->set_replayed(*n);
  return grpc::Status::OK;
}

}  // namespace mc::execution
