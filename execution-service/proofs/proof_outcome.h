// ProofStatus: the pure policy of what a proof's outcome is called, for the operator who sent
// it. A proof is never retried or quarantined (it is not an event): the status says what to do.
//  - the relay took it: OK;
//  - the template failed for this seed's data (code that threw, ran past its budget, an
//    attachment missing from the seed's ctx): INVALID_ARGUMENT, "template: ..." (fix the
//    template or the seed);
//  - an attachment's server or the relay could not take it now: UNAVAILABLE (send again);
//  - the relay refused it for good (an unknown address): FAILED_PRECONDITION with its words.
#pragma once

#include "absl/status/status.h"
#include "execution-service/delivery/message.h"

namespace mc::execution {

// The outcome of assembling the seed's message (MessageAssembly::Assemble's status).
[[nodiscard]] absl::Status ProofAssemblyStatus(const absl::Status& assembly);
// The outcome of sending it.
[[nodiscard]] absl::Status ProofSendStatus(const SendOutcome& outcome);

}  // namespace mc::execution
