#include "execution-service/outbox/secrets_json.h"

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"

namespace mc::execution {

std::vector<SigningSecret> SecretsFromJson(const std::string& text) {
  std::vector<SigningSecret> out;
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const nlohmann::json& s : j) {
    SigningSecret secret;
    if (!s.contains("key") || !s["key"].is_string()) continue;
    if (!absl::Base64Unescape(s["key"].get<std::string>(), &secret.key)) continue;
    if (s.contains("expires_us") && s["expires_us"].is_number_integer()) {
      secret.expires = absl::FromUnixMicros(s["expires_us"].get<int64_t>());
    }
    out.push_back(std::move(secret));
  }
  return out;
}

std::string SecretsToJson(const std::vector<SigningSecret>& secrets) {
  nlohmann::json j = nlohmann::json::array();
  for (const SigningSecret& s : secrets) {
    nlohmann::json e = {{"key", absl::Base64Escape(s.key)}};
    if (s.expires) e["expires_us"] = absl::ToUnixMicros(*s.expires);
    j.push_back(std::move(e));
  }
  return j.dump();
}

}  // namespace mc::execution
