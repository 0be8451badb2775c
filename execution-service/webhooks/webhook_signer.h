// Standard Webhooks signatures (https://www.standardwebhooks.com, "Signature scheme"): the
// secret format "whsec_<base64 of the key>", and `webhook-signature` values "v1,<base64 of
// HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>", one per secret in force,
// separated by spaces (a rotation's overlap signs with both, so a receiver knowing either
// verifies).
//
// Failure modes: ParseWebhookSecret: INVALID_ARGUMENT "<field>: ..." saying what is wrong (no
// "whsec_" prefix, not base64, a key outside 24..64 bytes), never quoting the secret.
// WebhookSignatureHeader: FAILED_PRECONDITION when no secret is in force (nothing is sent
// unsigned). Keys never appear in a message. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "execution-service/webhooks/webhook_change.h"

namespace mc::execution {

inline constexpr absl::string_view kWebhookSecretPrefix = "whsec_";
inline constexpr size_t kMinWebhookKeyBytes = 24;
inline constexpr size_t kMaxWebhookKeyBytes = 64;

// The key bytes of "whsec_<base64>" (standard alphabet; the trailing '=' padding optional).
[[nodiscard]] absl::StatusOr<std::string> ParseWebhookSecret(absl::string_view secret,
                                                             absl::string_view field = "secret");
// "whsec_" and the padded base64 of `key`: the inverse of ParseWebhookSecret.
std::string FormatWebhookSecret(absl::string_view key);

// Whether the secret signs at `now`: no expiry, or an expiry after now.
bool SecretInForce(const SigningSecret& secret, absl::Time now);

// "v1,<base64>" for one key.
std::string WebhookSignature(absl::string_view key, absl::string_view webhook_id, int64_t timestamp,
                             absl::string_view body);

// The `webhook-signature` header: the signature of every secret in force at `now`, in the
// order given, separated by single spaces.
[[nodiscard]] absl::StatusOr<std::string> WebhookSignatureHeader(
    const std::vector<SigningSecret>& secrets, absl::string_view webhook_id, int64_t timestamp,
    absl::string_view body, absl::Time now);

}  // namespace mc::execution
