// A personalisation block (issue: personalisation blocks): a fragment of text that template
// parts include by name, as ACC writes it (<%@ include view='footer' %>), each change a new
// version. Plain values.
#pragma once

#include <string>

#include "absl/time/time.h"

namespace mc::control {

struct Block {
  std::string name, label, content;
  // Read-only: 1 when created, one more at each update.
  int version = 0;
  absl::Time updated;
};

}  // namespace mc::control
