// RunMailDecoder: runs one of this folder's Python decoders (Python's email package, policy
// default) on a mail, the way mail_headers.h and mail_parts.h read it: the mail written to a
// temporary file under $TMPDIR, the script's JSON read back. Failure modes:
// FAILED_PRECONDITION when python3 is not on the PATH (scripts/install-deps.sh installs it),
// INTERNAL when the script fails or prints what is not a JSON object holding `key`.
// Thread-safe (each call uses its own temporary files).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"

namespace mc::testing {

[[nodiscard]] absl::StatusOr<nlohmann::json> RunMailDecoder(const std::string& script,
                                                            const std::string& mail,
                                                            const std::string& key);

}  // namespace mc::testing
