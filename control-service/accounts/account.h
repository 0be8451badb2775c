// Account: an execution-instance external account as the control instance keeps it (DOMAIN.md
// section 2), and the validation of what an operator may write into one.
//
// The credential is a secret: it is only ever written through an Account, never read back by
// the API (AccountRepository::Get leaves it empty; only GetCredential returns it, for the
// control's own calls). Plain values; thread-compatible.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "control-service/execution/execution_target.h"

namespace mc::control {

struct Account {
  std::string internal_name;
  std::string label;
  bool enabled = true;
  std::string endpoint;
  ConnectionMethod connection_method = ConnectionMethod::kInsecure;
  std::string credential;  // write-only
  bool has_credential = false;
  std::string instance_id;
  absl::Time created, updated;
};

// INVALID_ARGUMENT naming the field: internal name (letters, digits, '_', starting with a
// letter, at most 40 characters), endpoint (host:port with a port 1..65535), credential
// (required on creation: `require_credential`), label (at most 255 characters). Lengths are
// Unicode code points (common/text/utf8.h); a refused one says so: "account.label: longer than
// 255 characters".
[[nodiscard]] absl::Status ValidateAccount(const Account& account, bool require_credential);

// INVALID_ARGUMENT unless `id` is an execution-instance identifier: 1 to 64 letters, digits,
// '_', '-' or '.' (the execution instance's own rule, execution-service/archive/archive.h).
[[nodiscard]] absl::Status ValidateInstanceId(const std::string& id);

// INVALID_ARGUMENT unless `endpoint` is host:port ("[::1]:50051" for IPv6).
[[nodiscard]] absl::Status ValidateEndpoint(const std::string& endpoint);

}  // namespace mc::control
