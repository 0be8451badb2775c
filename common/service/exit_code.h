// The process exit code a failed start asks for. A service instance's Start() logs why it failed
// and returns the status; WithExitCode marks that status with the exit code the process should
// end with (as a payload: code and message stay the cause's), ExitCodeOf reads it back: the
// marked code, or 1 for a status left unmarked. The services use 2 for flags that name something
// unusable (tokens, TLS files), 1 for everything else (PostgreSQL, a port already taken).
// Plain functions: thread-safe.
#pragma once

#include "absl/status/status.h"

namespace mc::service {

[[nodiscard]] absl::Status WithExitCode(absl::Status status, int exit_code);
int ExitCodeOf(const absl::Status& status);

}  // namespace mc::service
