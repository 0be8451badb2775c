#include "control-service/api/subscription_proto.h"

#include "common/grpc/timestamps.h"

namespace mc::control {
namespace pb = messagecenter::control::v1;
namespace v1 = messagecenter::v1;
using grpcutil::ToTimestamp;

Subscription SubscriptionFromProto(const pb::Subscription& p) {
  return {.name = p.name(),
          .url = p.url(),
          .statuses = {p.statuses().begin(), p.statuses().end()},
          .event_types = {p.event_types().begin(), p.event_types().end()},
          .every_attempt = p.every_attempt(),
          .max_batch = p.max_batch(),
          .disabled = p.disabled()};
}

void SubscriptionToProto(const Subscription& s, pb::Subscription* p) {
  p->set_name(s.name);
  p->set_url(s.url);
  for (int status : s.statuses) p->add_statuses(static_cast<v1::EventStatus>(status));
  for (const std::string& t : s.event_types) p->add_event_types(t);
  p->set_every_attempt(s.every_attempt);
  p->set_max_batch(s.max_batch);
  p->set_disabled(s.disabled);
  p->set_version(s.version);
  p->set_secrets(s.secrets);
  if (s.previous_secret_expires) {
    ToTimestamp(*s.previous_secret_expires, p->mutable_previous_secret_expires());
  }
  ToTimestamp(s.updated, p->mutable_updated());
}

namespace {

void InstanceStatusToProto(const InstanceSubscriptionStatus& s, v1::SubscriptionStatus* p) {
  v1::WebhookSubscription* w = p->mutable_subscription();
  const SubscriptionPublication& held = s.subscription;
  w->set_name(held.name);
  w->set_url(held.url);
  for (int status : held.statuses) w->add_statuses(static_cast<v1::EventStatus>(status));
  for (const std::string& t : held.event_types) w->add_event_types(t);
  w->set_every_attempt(held.every_attempt);
  w->set_max_batch(held.max_batch);
  w->set_version(held.version);
  w->set_disabled(held.disabled);
  // held.secrets is never copied: write-only on every side.
  switch (s.state) {
    case SubscriptionState::kActive:
      p->set_state(v1::SUBSCRIPTION_STATE_ACTIVE);
      break;
    case SubscriptionState::kPausedFailing:
      p->set_state(v1::SUBSCRIPTION_STATE_PAUSED_FAILING);
      break;
    case SubscriptionState::kUnspecified:
      p->set_state(v1::SUBSCRIPTION_STATE_UNSPECIFIED);
      break;
  }
  p->set_secrets(s.secrets);
  if (s.failing_since) ToTimestamp(*s.failing_since, p->mutable_failing_since());
  p->set_last_error(s.last_error);
  if (s.last_success) ToTimestamp(*s.last_success, p->mutable_last_success());
  p->set_queued(s.queued);
  p->set_delivered(s.delivered);
  p->set_failed(s.failed);
}

}  // namespace

void SubscriptionOnInstanceToProto(const SubscriptionOnInstance& s, pb::SubscriptionOnInstance* p) {
  p->set_account(s.account);
  p->set_code(s.code);
  p->set_message(s.message);
  if (s.status) InstanceStatusToProto(*s.status, p->mutable_status());
}

}  // namespace mc::control
