#include "control-service/archiving/archiver.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/pg/advisory_lock.h"

namespace mc::control {
namespace {

// Events per export stream: a stream under a steady inflow still ends, and the next one (or the
// next run) goes on from the stored cursor.
constexpr int kEventsPerStream = 200000;

}  // namespace

absl::StatusOr<ArchiveRun> Archiver::Run(const std::string& name, RunKind kind) {
  absl::StatusOr<std::unique_ptr<pg::AdvisoryLock>> lock =
      pg::AdvisoryLock::TryAcquire(options_.lock_dsn, absl::StrCat(options_.schema, ".", name));
  if (!lock.ok()) {
    if (absl::IsAborted(lock.status())) {
      return absl::AbortedError(absl::StrCat(name, " is running on another replica"));
    }
    return lock.status();
  }
  // Read under the lock: the state may have changed since the run was asked for.
  absl::StatusOr<ArchivingWorkflow> workflow = archive_.Get(name);
  if (!workflow.ok()) return workflow.status();
  if (kind == RunKind::kScheduled &&
      (workflow->state != ArchivingState::kStarted || workflow->next_run > absl::Now())) {
    return absl::AbortedError(absl::StrCat(name, " is no longer due"));
  }
  if (workflow->state == ArchivingState::kStopped) {
    return absl::FailedPreconditionError(
        absl::StrCat(name, " is stopped: start it before running it"));
  }
  const std::string& account = workflow->account;
  auto failed_before_copying = [&](absl::Status s) {
    metrics_.ArchiveRunEnded(account, {}, /*failed=*/true, std::nullopt);
    return s;
  };
  absl::StatusOr<int64_t> run_id = archive_.StartRun(name);
  if (!run_id.ok()) return failed_before_copying(run_id.status());
  // A run that cannot start is recorded too, which also moves its next scheduled time.
  auto refused = [&](absl::Status s) {
    (void)archive_.FinishRun(*run_id, std::string(s.message()));
    return failed_before_copying(s);
  };
  absl::StatusOr<ExecutionTarget> target = accounts_.GetTarget(account);
  if (!target.ok()) return refused(target.status());
  if (target->instance_id.empty()) {
    return refused(absl::FailedPreconditionError(absl::StrCat(
        name, ": account '", target->account, "' is not initialized (run Initialize connection)")));
  }
  logger_.Info("archiving run started", {{"workflow", name}, {"run", *run_id}});
  const absl::Status copied = Copy(*workflow, *target, *run_id, **lock);
  absl::StatusOr<ArchiveRun> run =
      archive_.FinishRun(*run_id, copied.ok() ? "" : std::string(copied.message()));
  if (!run.ok()) return failed_before_copying(run.status());
  metrics_.ArchiveRunEnded(account,
                           {.events = run->events_copied,
                            .delivery_logs = run->delivery_logs_copied,
                            .quarantine = run->quarantine_copied},
                           !copied.ok(), copied.ok() ? run->ended : std::nullopt);
  if (copied.ok()) {
    logger_.Info("archiving run ended", {{"workflow", name},
                                         {"run", run->id},
                                         {"events", run->events_copied},
                                         {"delivery_logs", run->delivery_logs_copied},
                                         {"quarantine", run->quarantine_copied}});
  } else {
    logger_.Warn("archiving run failed", {{"workflow", name},
                                          {"run", run->id},
                                          {"events", run->events_copied},
                                          {"error", copied.message()}});
  }
  return run;
}

absl::Status Archiver::CheckNotStopping() const {
  if (absl::ToUnixNanos(absl::Now()) < stop_by_) return absl::OkStatus();
  return absl::CancelledError(
      "the control instance is shutting down; the next run resumes from the last stored page");
}

absl::Status Archiver::Copy(const ArchivingWorkflow& workflow, const ExecutionTarget& target,
                            int64_t run_id, pg::AdvisoryLock& lock) {
  ArchiveCursor cursor = workflow.cursor;
  // Each stream acknowledges the cursor it starts from (the instance may then purge what is
  // archived); the run ends with a stream that finds nothing new, acknowledging everything.
  for (int stream = 0; stream < options_.max_streams; ++stream) {
    size_t events = 0;
    absl::Status s = client_.Export(
        target, cursor, options_.page_size, std::max(1, kEventsPerStream / options_.page_size),
        [&](ArchivePage& page) -> absl::Status {
          if (page.instance_id != target.instance_id) {
            return absl::FailedPreconditionError(absl::StrCat(
                "the instance at ", target.endpoint, " carries identifier '", page.instance_id,
                "', not '", target.instance_id, "': the account points at another instance"));
          }
          if (absl::Status held = lock.Check(); !held.ok()) return held;
          absl::StatusOr<CopiedRows> stored =
              archive_.StorePage(workflow.internal_name, run_id, target.account, page);
          if (!stored.ok()) return stored.status();
          cursor = page.next;
          events += page.events.size();
          return CheckNotStopping();
        });
    if (!s.ok()) return s;
    if (events == 0) break;
    if (absl::Status stopping = CheckNotStopping(); !stopping.ok()) return stopping;
  }
  if (absl::Status stopping = CheckNotStopping(); !stopping.ok()) return stopping;
  return client_.ExportQuarantine(
      target, options_.page_size, [&](std::vector<QuarantinedAddress>& page) -> absl::Status {
        if (absl::Status held = lock.Check(); !held.ok()) return held;
        return archive_.StoreQuarantine(run_id, target.account, page).status();
      });
}

}  // namespace mc::control
