#include "common/webhook_receiver/webhook_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdint>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace mc::webhook_receiver {
namespace {

constexpr absl::string_view kSecretPrefix = "whsec_";

std::string Base64(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');  // EVP_EncodeBlock writes a final NUL
  const int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<size_t>(written));
  return out;
}

}  // namespace

std::string WebhookSignature(absl::string_view key, absl::string_view webhook_id,
                             absl::string_view timestamp, absl::string_view body) {
  const std::string content = absl::StrCat(webhook_id, ".", timestamp, ".", body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &mac_len);
  return absl::StrCat("v1,", Base64(mac, mac_len));
}

std::string WebhookSecretOf(absl::string_view key) {
  return absl::StrCat(kSecretPrefix,
                      Base64(reinterpret_cast<const unsigned char*>(key.data()), key.size()));
}

absl::StatusOr<std::string> WebhookKeyOf(absl::string_view secret) {
  if (!absl::ConsumePrefix(&secret, kSecretPrefix) || secret.empty()) {
    return absl::InvalidArgumentError("secret: not \"whsec_\" followed by base64");
  }
  absl::string_view data = secret;
  while (absl::ConsumeSuffix(&data, "=")) {
  }
  if (data.size() % 4 == 1 || secret.size() - data.size() > 2) {
    return absl::InvalidArgumentError("secret: not base64 after \"whsec_\"");
  }
  std::string padded(data);
  while (padded.size() % 4 != 0) padded.push_back('=');
  std::string key(padded.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(key.data()),
                                reinterpret_cast<const unsigned char*>(padded.data()),
                                static_cast<int>(padded.size()));
  if (n < 0) return absl::InvalidArgumentError("secret: not base64 after \"whsec_\"");
  // EVP_DecodeBlock counts the bytes the padding stands for.
  key.resize(static_cast<size_t>(n) - (padded.size() - data.size()));
  return key;
}

std::string NewWebhookKey() {
  std::string key(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1) {
    // OpenSSL's generator is seeded from the system at start; failing it is not recoverable.
    std::abort();
  }
  return key;
}

absl::Status CheckWebhookSignature(absl::string_view key, const SignedRequest& request,
                                   absl::Time now, absl::Duration tolerance) {
  if (request.webhook_id.empty()) return absl::InvalidArgumentError("webhook-id: missing");
  int64_t seconds = 0;
  if (!absl::SimpleAtoi(request.timestamp, &seconds)) {
    return absl::InvalidArgumentError("webhook-timestamp: missing or not Unix seconds");
  }
  const absl::Duration skew = absl::AbsDuration(absl::FromUnixSeconds(seconds) - now);
  if (skew > tolerance) {
    return absl::FailedPreconditionError(
        absl::StrCat("webhook-timestamp: ", absl::FormatDuration(skew), " away from now (at most ",
                     absl::FormatDuration(tolerance), ")"));
  }
  const std::string expected =
      WebhookSignature(key, request.webhook_id, request.timestamp, request.body);
  int candidates = 0;
  bool match = false;
  for (absl::string_view s : absl::StrSplit(request.signature_header, ' ', absl::SkipEmpty())) {
    ++candidates;
    // Every candidate is compared, in constant time: how many matched is all that leaks.
    if (s.size() == expected.size() && CRYPTO_memcmp(s.data(), expected.data(), s.size()) == 0) {
      match = true;
    }
  }
  if (candidates == 0) return absl::InvalidArgumentError("webhook-signature: missing");
  if (!match) {
    return absl::UnauthenticatedError(
        absl::StrCat("webhook-signature: none of its ", candidates, " signature(s) matches"));
  }
  return absl::OkStatus();
}

}  // namespace mc::webhook_receiver
