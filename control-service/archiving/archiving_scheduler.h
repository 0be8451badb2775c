// ArchivingScheduler: the control replica's background thread that runs every started
// archiving workflow when its schedule says so, and purges the archive once per purge
// interval. Several replicas may run schedulers: each workflow run takes its advisory lock,
// and a replica that finds it taken skips it.
//
// RequestStop() starts no further run, without waiting; Stop() (or the destructor) also lets
// the run in progress finish (Archiver::StopBy bounds it), then joins. Errors are logged
// and recorded on the run; the thread never dies of them. Thread-safe.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/time/time.h"
#include "common/log/logger.h"
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
  void Loop();
  void RunDue();

  ArchivingRepository& repository_;
  Archiver& archiver_;
  ArchivingControl& control_;
  const SchedulerOptions options_;
  log::Logger& logger_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace mc::control
