#include "common/process/process_table.h"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "common/process/subprocess.h"

namespace mc::process {
namespace {

TEST_CASE("a child is listed under its parent and stops running once killed, reaped or not") {
  CHECK(IsRunning(getpid()));
  auto sleeper = Subprocess::Spawn({.argv = {"/bin/sleep", "30"}});
  REQUIRE(sleeper.ok());
  const std::vector<pid_t> children = ChildrenOf(getpid());
  CHECK(std::find(children.begin(), children.end(), sleeper->pid()) != children.end());
  CHECK(IsRunning(sleeper->pid()));
  CHECK_FALSE(AwaitExit(sleeper->pid(), absl::Milliseconds(50)));

  // Killed and not yet reaped: a zombie, which no longer runs.
  sleeper->Signal(SIGKILL);
  CHECK(AwaitExit(sleeper->pid(), absl::Seconds(10)));
  CHECK_FALSE(IsRunning(sleeper->pid()));
  const pid_t pid = sleeper->pid();
  CHECK(sleeper->Wait() == 128 + SIGKILL);
  CHECK_FALSE(IsRunning(pid));
  CHECK(ChildrenOf(pid).empty());
  CHECK(AwaitExit(pid, absl::ZeroDuration()));
}

}  // namespace
}  // namespace mc::process
