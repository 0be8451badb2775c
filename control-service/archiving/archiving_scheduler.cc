#include "control-service/archiving/archiving_scheduler.h"

#include <chrono>

namespace mc::control {

ArchivingScheduler::ArchivingScheduler(ArchivingRepository& repository, Archiver& archiver,
                                       ArchivingControl& control, SchedulerOptions options,
                                       log::Logger& logger)
    : repository_(repository),
      archiver_(archiver),
      control_(control),
      options_(options),
      logger_(logger),
      thread_([this] { Loop(); }) {}

ArchivingScheduler::~ArchivingScheduler() { Stop(); }

void ArchivingScheduler::RequestStop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
}

void ArchivingScheduler::Stop() {
  RequestStop();
  if (thread_.joinable()) thread_.join();
}

void ArchivingScheduler::RunDue() {
  absl::StatusOr<std::vector<std::string>> due = repository_.Due();
  if (!due.ok()) {
    logger_.Warn("cannot read the archiving schedule", {{"error", due.status().message()}});
    return;
  }
  for (const std::string& name : *due) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
    }
    absl::StatusOr<ArchiveRun> run = archiver_.Run(name, Archiver::RunKind::kScheduled);
    if (!run.ok() && !absl::IsAborted(run.status())) {
      logger_.Warn("archiving run not started",
                   {{"workflow", name}, {"error", run.status().message()}});
    }
  }
}

void ArchivingScheduler::Loop() {
  absl::Time next_purge = absl::Now() + options_.purge_interval;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    RunDue();
    lock.lock();
    const bool stopping = stop_;
    lock.unlock();
    if (!stopping && options_.purge_interval > absl::ZeroDuration() && absl::Now() >= next_purge) {
      next_purge = absl::Now() + options_.purge_interval;
      absl::StatusOr<PurgedRows> purged = control_.Purge(absl::ZeroDuration());
      if (purged.ok()) {
        logger_.Info("archive purged",
                     {{"events", purged->events}, {"delivery_logs", purged->delivery_logs}});
      } else {
        logger_.Warn("archive purge failed", {{"error", purged.status().message()}});
      }
    }
    lock.lock();
    cv_.wait_for(lock, std::chrono::microseconds(absl::ToInt64Microseconds(options_.poll)),
                 [this] { return stop_; });
  }
}

}  // namespace mc::control
