#include "common/service/exit_code.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace mc::service {
namespace {

constexpr absl::string_view kExitCodeUrl = "type.messagecenter/exit_code";

}  // namespace

absl::Status WithExitCode(absl::Status status, int exit_code) {
  status.SetPayload(kExitCodeUrl, absl::Cord(std::to_string(exit_code)));
  return status;
}

int ExitCodeOf(const absl::Status& status) {
  int exit_code = 1;
  if (absl::optional<absl::Cord> payload = status.GetPayload(kExitCodeUrl)) {
    if (!absl::SimpleAtoi(std::string(*payload), &exit_code)) exit_code = 1;
  }
  return exit_code;
}

}  // namespace mc::service
