#include "control-service/archiving/archiving_scheduler.h"

namespace mc::control {

ArchivingScheduler::ArchivingScheduler(ArchivingRepository& repository, Archiver& archiver,
                                       ArchivingControl& control, SchedulerOptions options,
                                       log::Logger& logger)
    : repository_(repository),
      archiver_(archiver),
      control_(control),
      options_(options),
      logger_(logger),
      next_purge_(absl::Now() + options_.purge_interval),
      task_(options_.poll, [this] { Poll(); }) {}

ArchivingScheduler::~ArchivingScheduler() { Stop(); }

void ArchivingScheduler::RequestStop() { task_.RequestStop(); }

void ArchivingScheduler::Stop() { task_.Stop(); }

void ArchivingScheduler::Poll() {
  RunDue();
  if (!task_.stop_requested()) PurgeIfDue();
}

void ArchivingScheduler::RunDue() {
  absl::StatusOr<std::vector<std::string>> due = repository_.Due();
  if (!due.ok()) {
    logger_.Warn("cannot read the archiving schedule", {{"error", due.status().message()}});
    return;
  }
  for (const std::string& name : *due) {
    if (task_.stop_requested()) return;
    absl::StatusOr<ArchiveRun> run = archiver_.Run(name, Archiver::RunKind::kScheduled);
    if (!run.ok() && !absl::IsAborted(run.status())) {
      logger_.Warn("archiving run not started",
                   {{"workflow", name}, {"error", run.status().message()}});
    }
  }
}

void ArchivingScheduler::PurgeIfDue() {
  if (options_.purge_interval <= absl::ZeroDuration() || absl::Now() < next_purge_) return;
  next_purge_ = absl::Now() + options_.purge_interval;
  absl::StatusOr<PurgedRows> purged = control_.Purge(absl::ZeroDuration());
  if (purged.ok()) {
    logger_.Info("archive purged",
                 {{"events", purged->events}, {"delivery_logs", purged->delivery_logs}});
  } else {
    logger_.Warn("archive purge failed", {{"error", purged.status().message()}});
  }
}

}  // namespace mc::control
