// Standard Webhooks signatures checked as a receiver checks them
// (https://www.standardwebhooks.com, "Verifying webhooks"): the key of a "whsec_<base64>"
// secret, "v1,<base64 of HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<raw body>")>", a
// `webhook-signature` header of such values separated by spaces (any one matching verifies), and
// a `webhook-timestamp` within a tolerance of now (replays of old requests are refused).
//
// Written with OpenSSL's HMAC and base64 directly, apart from the execution instance's signer
// (execution-service/webhooks/webhook_signer.h): the benchmark and the local cluster verify
// what the instance sends with code that shares nothing with it; the unit test pins it to the
// specification's own example.
//
// Failure modes: CheckWebhookSignature says which header is wrong and why, never quoting a
// signature or the key: INVALID_ARGUMENT for a missing or malformed header, UNAUTHENTICATED
// when no signature matches, FAILED_PRECONDITION for a timestamp outside the tolerance.
// WebhookKeyOf: INVALID_ARGUMENT. Pure functions, thread-safe.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace mc::webhook_receiver {

// "v1," and the base64 of HMAC-SHA256(key, "<id>.<timestamp>.<body>").
std::string WebhookSignature(absl::string_view key, absl::string_view webhook_id,
                             absl::string_view timestamp, absl::string_view body);

// "whsec_" and the base64 of `key`.
std::string WebhookSecretOf(absl::string_view key);
// The key bytes of "whsec_<base64>".
[[nodiscard]] absl::StatusOr<std::string> WebhookKeyOf(absl::string_view secret);
// A new random key of 32 bytes (OpenSSL RAND_bytes).
std::string NewWebhookKey();

struct SignedRequest {
  absl::string_view webhook_id;        // the `webhook-id` header
  absl::string_view timestamp;         // `webhook-timestamp`: Unix seconds
  absl::string_view signature_header;  // `webhook-signature`
  absl::string_view body;              // raw, as received
};

// OK when a signature of the header is the key's for the request and the timestamp is within
// `tolerance` of `now`.
[[nodiscard]] absl::Status CheckWebhookSignature(absl::string_view key,
                                                 const SignedRequest& request, absl::Time now,
                                                 absl::Duration tolerance = absl::Minutes(5));

}  // namespace mc::webhook_receiver
