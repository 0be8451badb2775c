#include "control-service/webhooks/webhook_secret.h"

#include <openssl/rand.h>

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace mc::control {
namespace {

constexpr size_t kNewSecretBytes = 32;
constexpr size_t kMinSecretBytes = 24;
constexpr size_t kMaxSecretBytes = 64;

}  // namespace

absl::StatusOr<std::string> NewSecret() {
  unsigned char key[kNewSecretBytes];
  if (RAND_bytes(key, sizeof key) != 1) {
    return absl::InternalError("the random generator failed: no secret was made");
  }
  std::string secret = absl::StrCat(
      kSecretPrefix,
      absl::Base64Escape(absl::string_view(reinterpret_cast<const char*>(key), sizeof key)));
  OPENSSL_cleanse(key, sizeof key);
  return secret;
}

absl::Status CheckSecret(const std::string& secret) {
  absl::string_view encoded = secret;
  std::string key;
  // Standard base64, padded as Base64Escape writes it: one spelling per key.
  if (!absl::ConsumePrefix(&encoded, kSecretPrefix) || !absl::Base64Unescape(encoded, &key) ||
      absl::Base64Escape(key) != encoded) {
    return absl::InvalidArgumentError(absl::StrCat(
        "secret: not \"", kSecretPrefix, "\" followed by the standard base64 of the key"));
  }
  const size_t bytes = key.size();
  OPENSSL_cleanse(key.data(), key.size());
  if (bytes < kMinSecretBytes || bytes > kMaxSecretBytes) {
    return absl::InvalidArgumentError(absl::StrCat("secret: a key of ", bytes, " bytes (",
                                                   kMinSecretBytes, " to ", kMaxSecretBytes,
                                                   " are accepted)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::Duration> OverlapOf(int64_t overlap_seconds) {
  if (overlap_seconds == 0) return kDefaultOverlap;
  if (overlap_seconds < 0) {
    return absl::InvalidArgumentError("overlap_seconds: must not be negative (0: 24 hours)");
  }
  if (overlap_seconds > absl::ToInt64Seconds(kMaxOverlap)) {
    return absl::InvalidArgumentError(
        absl::StrCat("overlap_seconds: at most ", absl::ToInt64Seconds(kMaxOverlap), " (30 days)"));
  }
  return absl::Seconds(overlap_seconds);
}

SubscriptionSecrets Rotate(const SubscriptionSecrets& secrets, std::string fresh, absl::Time now,
                           absl::Duration overlap) {
  return {
      .current = std::move(fresh), .previous = secrets.current, .previous_expires = now + overlap};
}

std::vector<SigningSecret> InForce(const SubscriptionSecrets& secrets, absl::Time now) {
  std::vector<SigningSecret> out = {{.value = secrets.current}};
  if (!secrets.previous.empty() && secrets.previous_expires && *secrets.previous_expires > now) {
    out.push_back({.value = secrets.previous, .expires = secrets.previous_expires});
  }
  return out;
}

Subscription Describe(const StoredSubscription& s, absl::Time now) {
  Subscription out = s.subscription;
  const std::vector<SigningSecret> in_force = InForce(s.secrets, now);
  out.secrets = static_cast<int>(in_force.size());
  out.previous_secret_expires.reset();
  if (in_force.size() > 1) out.previous_secret_expires = in_force[1].expires;
  return out;
}

}  // namespace mc::control
