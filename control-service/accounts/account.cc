#include "control-service/accounts/account.h"

#include <cctype>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/text/utf8.h"

namespace mc::control {

absl::Status ValidateEndpoint(const std::string& endpoint) {
  const size_t colon = endpoint.rfind(':');
  int port = 0;
  const bool ok = colon != std::string::npos && colon > 0 &&
                  absl::SimpleAtoi(endpoint.substr(colon + 1), &port) && port > 0 &&
                  port <= 65535 && endpoint.find_first_of(" /\t") == std::string::npos;
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("account.endpoint: '", endpoint, "' is not host:port (e.g. exec1:50051)"));
  }
  return absl::OkStatus();
}

absl::Status ValidateAccount(const Account& account, bool require_credential) {
  const std::string& n = account.internal_name;
  if (text::CodePoints(n) > 40) {
    return absl::InvalidArgumentError("account.internal_name: longer than 40 characters");
  }
  bool name_ok = !n.empty() && std::isalpha(static_cast<unsigned char>(n[0]));
  for (char ch : n) name_ok &= std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
  if (!name_ok) {
    return absl::InvalidArgumentError(
        "account.internal_name: letters, digits and '_', starting with a letter");
  }
  if (text::CodePoints(account.label) > 255) {
    return absl::InvalidArgumentError("account.label: longer than 255 characters");
  }
  if (absl::Status s = ValidateEndpoint(account.endpoint); !s.ok()) return s;
  if (require_credential && account.credential.empty()) {
    return absl::InvalidArgumentError(
        "account.credential: required (a bearer token the execution instance accepts)");
  }
  return absl::OkStatus();
}

absl::Status ValidateInstanceId(const std::string& id) {
  if (text::CodePoints(id) > 64) {
    return absl::InvalidArgumentError("instance_id: longer than 64 characters");
  }
  bool ok = !id.empty();
  for (char ch : id)
    ok &= std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == '.';
  if (!ok) {
    return absl::InvalidArgumentError("instance_id: 1 to 64 letters, digits, '_', '-' or '.'");
  }
  return absl::OkStatus();
}

}  // namespace mc::control
