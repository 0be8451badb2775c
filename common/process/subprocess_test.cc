#include "common/process/subprocess.h"

#include <catch2/catch.hpp>

namespace mc::process {
namespace {

TEST_CASE("exit codes, signals and exec failures") {
  auto ok = Run({.argv = {"/bin/sh", "-c", "exit 3"}});
  REQUIRE(ok.ok());
  CHECK(*ok == 3);

  auto sleeper = Subprocess::Spawn({.argv = {"/bin/sleep", "30"}});
  REQUIRE(sleeper.ok());
  CHECK(sleeper->Running());
  sleeper->Signal(SIGTERM);
  CHECK(sleeper->Wait() == 128 + SIGTERM);

  auto missing = Subprocess::Spawn({.argv = {"/no/such/binary"}});
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("environment overrides reach the child") {
  auto r = Run({.argv = {"/bin/sh", "-c", "test \"$MC_X\" = yes"}, .env = {"MC_X=yes"}});
  REQUIRE(r.ok());
  CHECK(*r == 0);
}

TEST_CASE("WaitFor times out on a running child") {
  auto p = Subprocess::Spawn({.argv = {"/bin/sleep", "30"}});
  REQUIRE(p.ok());
  CHECK_FALSE(p->WaitFor(absl::Milliseconds(50)).has_value());
}

}  // namespace
}  // namespace mc::process
