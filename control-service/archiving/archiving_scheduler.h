// ArchivingScheduler: the control replica's background thread that runs every started
// archiving workflow when its schedule says so, and purges the archive once per purge
// interval. Several replicas may run schedulers: each workflow run takes its advisory lock,
// and a replica that finds it taken skips it.
//
// RequestStop() starts no further run, without waiting; Stop() (or the destructor) also lets
// the run in progress finish (Archiver::StopBy bounds it), then joins. Errors are logged
// and recorded on the run; the thread (a periodic::PeriodicTask, every `poll`) never dies of
// them. Thread-safe.
#pragma once

#include "absl/time/time.h"
#include "common/log/logger.h"
#include "common/periodic/periodic_task.h"
#include "control-service/archiving/archiving_control.h"
#include "control-service/archiving/archiving_repository.h"

namespace mc::control {

struct SchedulerOptions {
  absl::Duration poll = absl::Seconds(1);
  // Zero disables the purge.
  absl::Duration purge_interval = absl::Hours(24);
};

class ArchivingScheduler {
 public:
  ArchivingScheduler(ArchivingRepository& repository, Archiver& archiver, ArchivingControl& control,
                     SchedulerOptions options, log::Logger& logger);
  ~ArchivingScheduler();
  void RequestStop();
  void Stop();

 private:
  // One poll: the due workflows' runs, then the purge when its interval passed.
  void Poll();
  void RunDue();
  void PurgeIfDue();

  ArchivingRepository& repository_;
  Archiver& archiver_;
  ArchivingControl& control_;
  const SchedulerOptions options_;
  log::Logger& logger_;
  absl::Time next_purge_;        // owned by the task's thread
  periodic::PeriodicTask task_;  // last: its first poll runs at once
};

}  // namespace mc::control
