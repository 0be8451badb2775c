#include "common/process/process_table.h"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>

#include "absl/time/clock.h"

namespace mc::process {
namespace {

struct Stat {
  char state = '?';
  pid_t ppid = 0;
};

// "pid (comm) state ppid ...": comm may hold spaces and parentheses, so the fields are read
// after its last ')'.
std::optional<Stat> ReadStat(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  const size_t end = line.rfind(')');
  if (end == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(end + 1));
  Stat s;
  if (!(fields >> s.state >> s.ppid)) return std::nullopt;
  return s;
}

}  // namespace

std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> children;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::optional<Stat> s = ReadStat(name);
    if (s && s->ppid == parent) children.push_back(static_cast<pid_t>(std::atol(name.c_str())));
  }
  return children;
}

bool IsRunning(pid_t pid) {
  std::optional<Stat> s = ReadStat(std::to_string(pid));
  return s && s->state != 'Z' && s->state != 'X';
}

bool AwaitExit(pid_t pid, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  // Through syscall(): Debian 12's <sys/pidfd.h> (glibc 2.36) declares pidfd_open without C
  // linkage, so a C++ call does not link.
  const int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) {
    if (errno == ESRCH) return true;
    while (IsRunning(pid)) {
      if (absl::Now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }
  // The pidfd turns readable when the process exits (zombie or reaped).
  bool exited = false;
  for (;;) {
    const absl::Duration left = deadline - absl::Now();
    pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
    const int ready =
        ::poll(&p, 1, left > absl::ZeroDuration() ? absl::ToInt64Milliseconds(left) + 1 : 0);
    if (ready > 0) {
      exited = true;
      break;
    }
    if (ready == 0 || errno != EINTR) break;
  }
  ::close(fd);
  return exited || !IsRunning(pid);
}

}  // namespace mc::process
