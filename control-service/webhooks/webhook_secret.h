// The signing secrets of a webhook subscription, as Standard Webhooks writes them:
// "whsec_" followed by the standard base64 of the key's bytes. NewSecret makes one of 32
// random bytes (OpenSSL RAND_bytes); CheckSecret accepts a given one of 24 to 64 bytes. A
// rotation (Rotate) makes the new secret current and keeps the one it replaces signing beside
// it until now + overlap; a rotation during an overlap drops the oldest, so at most two are
// ever in force. InForce says which sign at a time, the current one first.
//
// Failure modes: INVALID_ARGUMENT naming the field ("secret: ...", "overlap_seconds: ...")
// and never showing the secret; INTERNAL when the random generator fails. Pure functions
// (NewSecret reads OpenSSL's generator): thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "control-service/execution/subscription_publication.h"
#include "control-service/webhooks/subscription.h"

namespace mc::control {

inline constexpr char kSecretPrefix[] = "whsec_";
inline constexpr absl::Duration kDefaultOverlap = absl::Hours(24);
inline constexpr absl::Duration kMaxOverlap = absl::Hours(24 * 30);

[[nodiscard]] absl::StatusOr<std::string> NewSecret();
[[nodiscard]] absl::Status CheckSecret(const std::string& secret);

// overlap_seconds as the API gives it: 0 means 24 hours; negative or over 30 days is refused.
[[nodiscard]] absl::StatusOr<absl::Duration> OverlapOf(int64_t overlap_seconds);

SubscriptionSecrets Rotate(const SubscriptionSecrets& secrets, std::string fresh, absl::Time now,
                           absl::Duration overlap);

// The secrets that sign at `now`: the current one (no expiry), then the previous one while
// its overlap runs (with its expiry).
std::vector<SigningSecret> InForce(const SubscriptionSecrets& secrets, absl::Time now);

// `s` as the API shows it at `now`: how many secrets sign, when the previous one stops.
Subscription Describe(const StoredSubscription& s, absl::Time now);

}  // namespace mc::control
