// Conversions between the control's webhook subscriptions and messagecenter.control.v1
// messages (Subscription, SubscriptionOnInstance). Never writes a secret: the domain types
// hold none. Pure functions, thread-safe.
#pragma once

#include "control-service/webhooks/subscription.h"
#include "messagecenter/control/v1/control.pb.h"

namespace mc::control {

// The authored fields (name, url, statuses, event types, every_attempt, max_batch, disabled);
// the read-only ones are ignored.
Subscription SubscriptionFromProto(const messagecenter::control::v1::Subscription& p);
void SubscriptionToProto(const Subscription& s, messagecenter::control::v1::Subscription* p);
void SubscriptionOnInstanceToProto(const SubscriptionOnInstance& s,
                                   messagecenter::control::v1::SubscriptionOnInstance* p);

}  // namespace mc::control
