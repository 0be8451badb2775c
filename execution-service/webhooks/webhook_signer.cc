#include "execution-service/webhooks/webhook_signer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace mc::execution {
namespace {

bool IsBase64Char(char c) { return absl::ascii_isalnum(c) || c == '+' || c == '/'; }

// "v1," and the base64 of HMAC-SHA256(key, content).
std::string SignContent(absl::string_view key, absl::string_view content) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &mac_len);
  return absl::StrCat(
      "v1,", absl::Base64Escape(absl::string_view(reinterpret_cast<const char*>(mac), mac_len)));
}

std::string SignedContent(absl::string_view webhook_id, int64_t timestamp, absl::string_view body) {
  return absl::StrCat(webhook_id, ".", timestamp, ".", body);
}

}  // namespace

absl::StatusOr<std::string> ParseWebhookSecret(absl::string_view secret, absl::string_view field) {
  if (!absl::StartsWith(secret, kWebhookSecretPrefix)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must start with \"whsec_\" (then the base64 of the key)"));
  }
  absl::string_view encoded = secret.substr(kWebhookSecretPrefix.size());
  if (encoded.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": no key after \"whsec_\""));
  }
  // Strict alphabet and padding: absl alone would take some forms a receiver's decoder
  // refuses.
  size_t data_chars = encoded.size();
  while (data_chars > 0 && encoded[data_chars - 1] == '=') --data_chars;
  const size_t padding = encoded.size() - data_chars;
  bool valid = data_chars % 4 != 1 &&
               (padding == 0 || (encoded.size() % 4 == 0 && padding == 4 - data_chars % 4));
  for (size_t i = 0; valid && i < data_chars; ++i) valid = IsBase64Char(encoded[i]);
  std::string key;
  if (!valid || !absl::Base64Unescape(encoded, &key)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": not base64 after \"whsec_\" (standard alphabet A-Z a-z 0-9 + /)"));
  }
  if (key.size() < kMinWebhookKeyBytes || key.size() > kMaxWebhookKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": the key is ", key.size(),
                                                   " bytes; it must be ", kMinWebhookKeyBytes,
                                                   " to ", kMaxWebhookKeyBytes));
  }
  return key;
}

std::string FormatWebhookSecret(absl::string_view key) {
  return absl::StrCat(kWebhookSecretPrefix, absl::Base64Escape(key));
}

bool SecretInForce(const SigningSecret& secret, absl::Time now) {
  return !secret.expires || *secret.expires > now;
}

std::string WebhookSignature(absl::string_view key, absl::string_view webhook_id, int64_t timestamp,
                             absl::string_view body) {
  return SignContent(key, SignedContent(webhook_id, timestamp, body));
}

absl::StatusOr<std::string> WebhookSignatureHeader(const std::vector<SigningSecret>& secrets,
                                                   absl::string_view webhook_id, int64_t timestamp,
                                                   absl::string_view body, absl::Time now) {
  std::string header;
  std::string content;  // built once, signed with every key
  for (const SigningSecret& s : secrets) {
    if (!SecretInForce(s, now)) continue;
    if (content.empty()) content = SignedContent(webhook_id, timestamp, body);
    if (!header.empty()) header += ' ';
    header += SignContent(s.key, content);
  }
  if (header.empty()) {
    return absl::FailedPreconditionError(
        secrets.empty() ? "no signing secret: nothing is sent unsigned"
                        : "every signing secret has expired: nothing is sent unsigned");
  }
  return header;
}

}  // namespace mc::execution
