// BearerAuth: checks the `authorization: Bearer <token>` metadata of a gRPC call.
//
// Tokens come from a comma-separated list (flag/env) and/or a file (one token per line, '#'
// comments). Only their SHA-256 digests are kept; a presented token is hashed and compared with
// every digest in constant time, so neither timing nor memory reveals a token.
// Check() returns UNAUTHENTICATED (never saying which part was wrong) when the header is
// missing, malformed or unknown. Immutable after construction: thread-safe.
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

class BearerAuth {
 public:
  // INVALID_ARGUMENT when no token is configured, a token is shorter than 16 characters, or
  // the file cannot be read (the message names the file, never a token).
  static absl::StatusOr<BearerAuth> FromConfig(const std::string& tokens_csv,
                                               const std::string& tokens_file);

  absl::Status Check(const grpc::ServerContextBase& context) const;
  absl::Status CheckHeader(std::string_view authorization) const;

 private:
  using Digest = std::array<unsigned char, 32>;
  explicit BearerAuth(std::vector<Digest> digests) : digests_(std::move(digests)) {}
  static Digest Hash(std::string_view token);
  std::vector<Digest> digests_;
};

}  // namespace mc::grpcutil
