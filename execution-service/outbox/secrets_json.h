// The stored form of a subscription's signing secrets (webhook_subscriptions.secrets, migration
// 0008): a JSON array of {"key": base64 of the key bytes, "expires_us": epoch microseconds},
// expires_us left out when the secret has no end. Entries that do not read are skipped.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "execution-service/webhooks/webhook_change.h"

namespace mc::execution {

std::string SecretsToJson(const std::vector<SigningSecret>& secrets);
std::vector<SigningSecret> SecretsFromJson(const std::string& text);

}  // namespace mc::execution
