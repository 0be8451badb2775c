// ProofAssemblyStatus and ProofSendStatus, table by table.
#include "execution-service/proofs/proof_outcome.h"

#include <catch2/catch.hpp>

#include "absl/strings/match.h"

namespace mc::execution {
namespace {

TEST_CASE("a proof's assembly outcome") {
  struct Row {
    absl::Status assembly;
    absl::StatusCode code;
    std::string starts;
  };
  const std::vector<Row> rows = {
      {absl::OkStatus(), absl::StatusCode::kOk, ""},
      {absl::UnavailableError("attachment x: 503"), absl::StatusCode::kUnavailable,
       "message not made now: attachment x: 503"},
      {absl::InvalidArgumentError("html_body: line 1, column 2: ran past its time budget"),
       absl::StatusCode::kInvalidArgument, "template: html_body: line 1"},
      {absl::FailedPreconditionError("attachment ctx.invoice: missing from the event's ctx"),
       absl::StatusCode::kInvalidArgument, "template: attachment ctx.invoice"},
      {absl::InternalError("no heap"), absl::StatusCode::kInvalidArgument, "template: no heap"},
  };
  for (const Row& row : rows) {
    INFO(row.assembly.ToString());
    const absl::Status s = ProofAssemblyStatus(row.assembly);
    CHECK(s.code() == row.code);
    CHECK(absl::StartsWith(s.message(), row.starts));
  }
}

TEST_CASE("a proof's send outcome") {
  struct Row {
    SendOutcome outcome;
    absl::StatusCode code;
    std::string message;
  };
  const std::vector<Row> rows = {
      {{.kind = SendOutcome::Kind::kSent}, absl::StatusCode::kOk, ""},
      {{.kind = SendOutcome::Kind::kSoftFailure, .reason = "421 try later"},
       absl::StatusCode::kUnavailable,
       "relay: 421 try later"},
      {{.kind = SendOutcome::Kind::kHardFailure,
        .reason = "550 no such user",
        .address_rejected = true},
       absl::StatusCode::kFailedPrecondition,
       "relay refused it: 550 no such user"},
  };
  for (const Row& row : rows) {
    const absl::Status s = ProofSendStatus(row.outcome);
    CHECK(s.code() == row.code);
    CHECK(s.message() == row.message);
  }
}

}  // namespace
}  // namespace mc::execution
