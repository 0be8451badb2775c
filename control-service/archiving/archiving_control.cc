#include "control-service/archiving/archiving_control.h"

#include "absl/strings/str_cat.h"

namespace mc::control {

absl::StatusOr<ArchivingWorkflow> ArchivingControl::Create(const std::string& account,
                                                           int64_t schedule_seconds) {
  if (schedule_seconds < 0) {
    return absl::InvalidArgumentError("schedule_seconds: must be positive (0: every hour)");
  }
  return repository_.Create(account, schedule_seconds == 0 ? 3600 : schedule_seconds);
}

absl::StatusOr<ArchiveRun> ArchivingControl::RunNow(const std::string& name) {
  return archiver_.Run(name, Archiver::RunKind::kOnDemand);
}

absl::StatusOr<std::vector<ArchiveRun>> ArchivingControl::ListRuns(const std::string& name,
                                                                   int limit) {
  if (absl::StatusOr<ArchivingWorkflow> w = repository_.Get(name); !w.ok()) return w.status();
  return repository_.ListRuns(name, limit <= 0 ? 20 : std::min(limit, 1000));
}

absl::StatusOr<PurgedRows> ArchivingControl::Purge(absl::Duration retention) {
  if (retention < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("retention_seconds: must not be negative");
  }
  if (retention == absl::ZeroDuration()) retention = default_retention_;
  return repository_.Purge(absl::Now() - retention);
}

}  // namespace mc::control
