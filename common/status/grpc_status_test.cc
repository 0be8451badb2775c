#include "common/status/grpc_status.h"

#include <catch2/catch.hpp>

namespace mc::status {
namespace {

TEST_CASE("codes and messages survive the round trip") {
  for (absl::Status s : {absl::InvalidArgumentError("email: bad"), absl::UnavailableError("db"),
                         absl::FailedPreconditionError("wf"), absl::NotFoundError("id 3"),
                         absl::UnauthenticatedError("token"), absl::AlreadyExistsError("x")}) {
    grpc::Status g = ToGrpc(s);
    CHECK(static_cast<int>(g.error_code()) == static_cast<int>(s.code()));
    CHECK(g.error_message() == s.message());
    CHECK(FromGrpc(g) == s);
  }
  CHECK(ToGrpc(absl::OkStatus()).ok());
  CHECK(ToGrpc(absl::UnavailableError("x")).error_code() == grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace mc::status
