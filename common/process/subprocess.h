// Subprocess: starts a program (optionally as another user), signals it and waits for it.
// Used by the throwaway PostgreSQL, the local cluster and the end-to-end tests.
//
// The child gets PR_SET_PDEATHSIG (SIGKILL by default): if the thread that spawned it dies, the
// child dies too, so no server outlives a crashed test. Spawn from a long-lived thread.
// The destructor kills (SIGKILL) and reaps a child still running.
// Failure modes: Spawn returns INTERNAL when fork fails and NOT_FOUND when exec fails (the
// child reports exec's errno through a close-on-exec pipe). Not thread-safe per object.
#pragma once

#include <sys/types.h>

#include <csignal>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace mc::process {

struct SpawnOptions {
  std::vector<std::string> argv;
  // Extra "KEY=VALUE" entries, added to (and overriding) the parent's environment.
  std::vector<std::string> env;
  // Run as this user and group (only when the parent is root).
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
  // Files for the child's output, appended to; empty inherits the parent's.
  std::string stdout_path;
  std::string stderr_path;
  int death_signal = SIGKILL;
};

class Subprocess {
 public:
  [[nodiscard]] static absl::StatusOr<Subprocess> Spawn(const SpawnOptions& options);

  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  ~Subprocess();

  pid_t pid() const { return pid_; }
  bool Running();
  void Signal(int sig);
  // Waits for exit; returns the exit code, or 128 + signal number if killed by a signal.
  int Wait();
  // Waits up to `timeout`; nullopt if still running.
  std::optional<int> WaitFor(absl::Duration timeout);

 private:
  explicit Subprocess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// Runs to completion; returns the exit code.
[[nodiscard]] absl::StatusOr<int> Run(const SpawnOptions& options);

// The uid/gid of an unprivileged user to run servers that refuse root (PostgreSQL): "postgres"
// if it exists, else "nobody". nullopt when the current process is not root.
struct Credentials {
  uid_t uid;
  gid_t gid;
};
std::optional<Credentials> UnprivilegedUserIfRoot();

}  // namespace mc::process
