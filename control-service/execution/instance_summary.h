// InstanceSummary: what an execution instance says about itself (GetInstanceInfo,
// InitializeInstance): its build version, its stamped identifier, and its technical workflows'
// states. Plain values.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mc::control {

struct InstanceSummary {
  std::string version;
  std::string instance_id;
  bool workflows_started = false;
  // (internal name, "started" | "paused" | "stopped")
  std::vector<std::pair<std::string, std::string>> workflows;
};

}  // namespace mc::control
