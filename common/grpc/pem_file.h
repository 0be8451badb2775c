// ReadPemFile: the text of a TLS certificate or key file, for gRPC credentials.
// INVALID_ARGUMENT naming the file when it cannot be read or is empty. Thread-safe.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace mc::grpcutil {

[[nodiscard]] absl::StatusOr<std::string> ReadPemFile(const std::string& path);

}  // namespace mc::grpcutil
