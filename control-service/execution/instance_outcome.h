// InstanceOutcome: one execution instance's answer to a change the control instance fans out
// to every instance (a template publication or unpublication, a webhook subscription's
// publication or deletion). Plain values.
#pragma once

#include <string>

namespace mc::control {

struct InstanceOutcome {
  std::string account, instance_id;
  int code = 0;  // absl::StatusCode
  std::string message;
};

}  // namespace mc::control
