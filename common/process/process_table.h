// What /proc says about other processes: a process's children, whether a process still runs,
// and waiting until one that is not our child has exited. TempPostgres uses them to kill a server
// with all its children (PostgreSQL makes each child the leader of a process group and session of
// its own, so a signal to the server's group does not reach them).
//
// Failure modes: none reported; a process that cannot be read (gone, or /proc not mounted)
// counts as not running and has no children. ChildrenOf and IsRunning are snapshots: a process
// may start or end right after. Thread-safe.
#pragma once

#include <sys/types.h>

#include <vector>

#include "absl/time/time.h"

namespace mc::process {

// The processes whose parent is `parent`, from /proc/<pid>/stat.
std::vector<pid_t> ChildrenOf(pid_t parent);

// false once `pid` has exited, even while it waits unreaped as a zombie (whose parent may be an
// init that never reaps).
bool IsRunning(pid_t pid);

// Blocks until `pid` has exited (true) or `timeout` has passed (false); true at once when it is
// already gone. Any process, not only a child: it waits on a pidfd (Linux 5.3), or where the
// kernel refuses one, re-reads /proc every millisecond.
bool AwaitExit(pid_t pid, absl::Duration timeout);

}  // namespace mc::process
