// BearerAuth: checks the `authorization: Bearer <token>` metadata of a gRPC call and the role
// the token carries.
//
// Roles: `pusher` (pushes and reads events), `operator` (a person or their tools: accounts,
// templates, workflows, reports), `control` (the control instance calling an execution
// instance), `admin` (all of them). Tokens come from a comma-separated list (flag/env) of
// `role:token` entries and/or a file of `role token` (or `role:token`) lines with '#' comments;
// a token without a role is an admin token. Only SHA-256 digests are kept; a presented token is
// hashed and compared with every digest in constant time, so neither timing nor memory reveals
// a token.
// Check() returns UNAUTHENTICATED (never saying which part was wrong) when the header is
// missing, malformed or unknown, and PERMISSION_DENIED naming the token's role and the roles
// allowed when the role may not make that call. Immutable after construction: thread-safe.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace grpc {
class ServerContextBase;
}

namespace mc::grpcutil {

// A set of roles, as bits.
using Roles = unsigned;
inline constexpr Roles kPusher = 1, kOperator = 2, kControl = 4;
inline constexpr Roles kAdmin = kPusher | kOperator | kControl;

// "pusher", "operator or control", ...
std::string RolesName(Roles roles);

class BearerAuth {
 public:
  // INVALID_ARGUMENT when no token is configured, a role is unknown, a token is shorter than 16
  // characters, or the file cannot be read (the message names the entry or the file, never a
  // token).
  [[nodiscard]] static absl::StatusOr<BearerAuth> FromConfig(const std::string& tokens_csv,
                                                             const std::string& tokens_file);

  // OK when the call's token is known and carries one of `allowed`.
  [[nodiscard]] absl::Status Check(const grpc::ServerContextBase& context, Roles allowed) const;
  [[nodiscard]] absl::Status CheckHeader(std::string_view authorization, Roles allowed) const;
  // The roles of the call's token (0: none known), e.g. to record who made a change that the
  // caller did not sign with a name.
  Roles RolesOf(const grpc::ServerContextBase& context) const;

 private:
  Roles RolesOfHeader(std::string_view authorization, bool* match) const;
  using Digest = std::array<unsigned char, 32>;
  struct Entry {
    Digest digest;
    Roles roles;
  };
  explicit BearerAuth(std::vector<Entry> entries) : entries_(std::move(entries)) {}
  static Digest Hash(std::string_view token);
  std::vector<Entry> entries_;
};

}  // namespace mc::grpcutil
