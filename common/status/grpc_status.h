// The one place where absl::Status becomes grpc::Status (and back, for clients).
//
// Codes map one to one (Abseil's and gRPC's canonical codes share their numbers); the message
// is kept as is. Thread-safe, never fails.
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace mc::status {

grpc::Status ToGrpc(const absl::Status& status);
[[nodiscard]] absl::Status FromGrpc(const grpc::Status& status);

}  // namespace mc::status
