#include "common/grpc/bearer_auth.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

namespace mc::grpcutil {
namespace {

TEST_CASE("accepts configured tokens only") {
  auto auth = BearerAuth::FromConfig("token-aaaaaaaaaaaa1, token-bbbbbbbbbbbb2", "");
  REQUIRE(auth.ok());
  CHECK(auth->CheckHeader("Bearer token-aaaaaaaaaaaa1").ok());
  CHECK(auth->CheckHeader("bearer token-bbbbbbbbbbbb2").ok());
  CHECK(auth->CheckHeader("Bearer token-cccccccccccc3").code() ==
        absl::StatusCode::kUnauthenticated);
  CHECK(auth->CheckHeader("token-aaaaaaaaaaaa1").code() == absl::StatusCode::kUnauthenticated);
  CHECK(auth->CheckHeader("").code() == absl::StatusCode::kUnauthenticated);
  CHECK(auth->CheckHeader("Bearer ").code() == absl::StatusCode::kUnauthenticated);
}

TEST_CASE("reads a tokens file with comments") {
  std::string path = "/tmp/mc_tokens_test_" + std::to_string(::getpid());
  {
    std::ofstream f(path);
    f << "# pushers\n  file-token-0123456789  \n\n";
  }
  auto auth = BearerAuth::FromConfig("", path);
  std::remove(path.c_str());
  REQUIRE(auth.ok());
  CHECK(auth->CheckHeader("Bearer file-token-0123456789").ok());
}

TEST_CASE("refuses no token, short tokens and missing files without echoing tokens") {
  CHECK(BearerAuth::FromConfig("", "").status().code() == absl::StatusCode::kInvalidArgument);
  auto s = BearerAuth::FromConfig("short", "").status();
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(s.message().find("short\"") == std::string::npos);
  CHECK(BearerAuth::FromConfig("", "/no/such/file").status().code() ==
        absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mc::grpcutil
