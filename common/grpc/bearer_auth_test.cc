#include "common/grpc/bearer_auth.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

namespace mc::grpcutil {
namespace {

TEST_CASE("accepts configured tokens only") {
  auto auth = BearerAuth::FromConfig("token-aaaaaaaaaaaa1, token-bbbbbbbbbbbb2", "");
  REQUIRE(auth.ok());
  CHECK(auth->CheckHeader("Bearer token-aaaaaaaaaaaa1", kOperator).ok());
  CHECK(auth->CheckHeader("bearer token-bbbbbbbbbbbb2", kPusher).ok());
  CHECK(auth->CheckHeader("Bearer token-cccccccccccc3", kAdmin).code() ==
        absl::StatusCode::kUnauthenticated);
  CHECK(auth->CheckHeader("token-aaaaaaaaaaaa1", kAdmin).code() ==
        absl::StatusCode::kUnauthenticated);
  CHECK(auth->CheckHeader("", kAdmin).code() == absl::StatusCode::kUnauthenticated);
  CHECK(auth->CheckHeader("Bearer ", kAdmin).code() == absl::StatusCode::kUnauthenticated);
}

TEST_CASE("a token's role decides what it may call") {
  auto auth = BearerAuth::FromConfig(
      "pusher:push-token-0123456789, operator:oper-token-0123456789, "
      "control:ctrl-token-0123456789, admin:admin-token-012345678",
      "");
  REQUIRE(auth.ok());
  CHECK(auth->CheckHeader("Bearer push-token-0123456789", kPusher).ok());
  CHECK(auth->CheckHeader("Bearer push-token-0123456789", kPusher | kOperator).ok());
  absl::Status denied = auth->CheckHeader("Bearer push-token-0123456789", kOperator | kControl);
  CHECK(denied.code() == absl::StatusCode::kPermissionDenied);
  CHECK(denied.message() ==
        "a token of role pusher may not make this call (it needs operator or control)");
  CHECK(auth->CheckHeader("Bearer oper-token-0123456789", kControl).code() ==
        absl::StatusCode::kPermissionDenied);
  CHECK(auth->CheckHeader("Bearer ctrl-token-0123456789", kControl).ok());
  for (Roles r : {kPusher, kOperator, kControl}) {
    CHECK(auth->CheckHeader("Bearer admin-token-012345678", r).ok());
  }
  // An unknown token is unauthenticated whatever the call.
  CHECK(auth->CheckHeader("Bearer push-token-0123456780", kPusher).code() ==
        absl::StatusCode::kUnauthenticated);
}

TEST_CASE("reads a tokens file with roles and comments") {
  std::string path = "/tmp/mc_tokens_test_" + std::to_string(::getpid());
  {
    std::ofstream f(path);
    f << "# pushers\n  pusher  file-token-0123456789  \n\noperator:file-oper-0123456789\n"
         "plain-token-0123456789\n";
  }
  auto auth = BearerAuth::FromConfig("", path);
  std::remove(path.c_str());
  REQUIRE(auth.ok());
  CHECK(auth->CheckHeader("Bearer file-token-0123456789", kPusher).ok());
  CHECK(auth->CheckHeader("Bearer file-token-0123456789", kOperator).code() ==
        absl::StatusCode::kPermissionDenied);
  CHECK(auth->CheckHeader("Bearer file-oper-0123456789", kOperator).ok());
  CHECK(auth->CheckHeader("Bearer plain-token-0123456789", kControl).ok());  // admin
}

TEST_CASE(
    "refuses no token, short tokens, unknown roles and missing files without echoing tokens") {
  CHECK(BearerAuth::FromConfig("", "").status().code() == absl::StatusCode::kInvalidArgument);
  auto s = BearerAuth::FromConfig("short", "").status();
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(s.message().find("short\"") == std::string::npos);
  auto role = BearerAuth::FromConfig("root:some-token-0123456789", "").status();
  CHECK(role.code() == absl::StatusCode::kInvalidArgument);
  CHECK(role.message() == "bearer token #1: unknown role (pusher, operator, control or admin)");
  CHECK(BearerAuth::FromConfig("", "/no/such/file").status().code() ==
        absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mc::grpcutil
