#include "execution-service/proofs/proof_outcome.h"

#include "absl/strings/str_cat.h"

namespace mc::execution {

absl::Status ProofAssemblyStatus(const absl::Status& assembly) {
  if (assembly.ok()) return assembly;
  if (assembly.code() == absl::StatusCode::kUnavailable) {
    return absl::UnavailableError(absl::StrCat("message not made now: ", assembly.message()));
  }
  return absl::InvalidArgumentError(absl::StrCat("template: ", assembly.message()));
}

absl::Status ProofSendStatus(const SendOutcome& outcome) {
  switch (outcome.kind) {
    case SendOutcome::Kind::kSent:
      return absl::OkStatus();
    case SendOutcome::Kind::kSoftFailure:
      return absl::UnavailableError(absl::StrCat("relay: ", outcome.reason));
    case SendOutcome::Kind::kHardFailure:
      break;
  }
  return absl::FailedPreconditionError(absl::StrCat("relay refused it: ", outcome.reason));
}

}  // namespace mc::execution
