// The checks of a webhook subscription before an execution instance stores it (pure policy,
// table-tested): a name (a letter, then letters, digits, '_', '-' and '.'; at most 64), a URL
// the instance may post to (`check_url`: scheme, length, and hosts that resolve to loopback,
// link-local or private addresses unless allowed), statuses that are changes (1 to 7), event
// types of the event type syntax (at most 100), max_batch 0 to 500 (0 becomes 1), one or two
// secrets of the "whsec_<base64>" form (`parse_secret` decodes them into the subscription), at
// least one of them in force at `now`.
// Failure modes: INVALID_ARGUMENT naming the field ("subscription.url: ..."), never quoting a
// secret. Thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "execution-service/subscriptions/subscription.h"

namespace mc::execution {

// A secret as the control instance sends it.
struct SecretInput {
  std::string value;  // "whsec_..."
  std::optional<absl::Time> expires;
};

struct SubscriptionRules {
  // OK, or why the URL is refused (without the "subscription.url: " prefix).
  std::function<absl::Status(const std::string& url)> check_url;
  // The key bytes of a "whsec_..." secret, or why it is refused.
  std::function<absl::StatusOr<std::string>(const std::string& secret)> parse_secret;
  // The instance's schema: webhook-ids are "wh_<schema>_<event id>_<outbox id>".
  std::string schema;
};

// A letter, then letters, digits, '_', '-' and '.'; at most 64 characters.
[[nodiscard]] absl::Status CheckSubscriptionName(const std::string& name);

// Checks `s` and fills s.secrets from `secrets`.
[[nodiscard]] absl::Status CheckSubscription(const SubscriptionRules& rules, Subscription& s,
                                             const std::vector<SecretInput>& secrets,
                                             absl::Time now);

}  // namespace mc::execution
