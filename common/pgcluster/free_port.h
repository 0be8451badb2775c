// A TCP port on 127.0.0.1 that nothing listens on right now (bind to port 0, read it, close).
// Another process may take it before the caller binds it; callers retry on failure.
#pragma once

#include "absl/status/statusor.h"

namespace mc::pgcluster {

[[nodiscard]] absl::StatusOr<int> FreeLoopbackPort();

}  // namespace mc::pgcluster
