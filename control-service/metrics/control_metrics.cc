#include "control-service/metrics/control_metrics.h"

#include <algorithm>

namespace mc::control {

ControlMetrics::ControlMetrics(prometheus::Registry& registry)
    : runs_(prometheus::BuildCounter()
                .Name("mc_archive_runs_total")
                .Help("Archiving runs, per account")
                .Register(registry)),
      run_errors_(prometheus::BuildCounter()
                      .Name("mc_archive_run_errors_total")
                      .Help("Archiving runs that ended with an error, per account")
                      .Register(registry)),
      rows_(prometheus::BuildCounter()
                .Name("mc_archive_rows_total")
                .Help("Rows archived, per account and kind (events, delivery_logs, quarantine)")
                .Register(registry)),
      lag_(prometheus::BuildGauge()
               .Name("mc_archive_lag_seconds")
               .Help("Seconds since the end of the account's last successful archiving run")
               .Register(registry)) {
  auto& publications = prometheus::BuildCounter()
                           .Name("mc_publications_total")
                           .Help("Template publications per instance: ok, refused, error")
                           .Register(registry);
  const char* names[] = {"ok", "refused", "error"};
  for (int i = 0; i < 3; ++i) publications_[i] = &publications.Add({{"outcome", names[i]}});
}

void ControlMetrics::ArchiveRunEnded(const std::string& account, const ArchivedRows& rows,
                                     bool failed, std::optional<absl::Time> succeeded_at) {
  runs_.Add({{"account", account}}).Increment();
  prometheus::Counter& errors = run_errors_.Add({{"account", account}});
  if (failed) errors.Increment();
  const std::pair<const char*, int64_t> kinds[] = {{"events", rows.events},
                                                   {"delivery_logs", rows.delivery_logs},
                                                   {"quarantine", rows.quarantine}};
  for (const auto& [kind, n] : kinds) {
    rows_.Add({{"account", account}, {"kind", kind}}).Increment(static_cast<double>(n));
  }
  if (succeeded_at) {
    std::lock_guard<std::mutex> lock(mu_);
    absl::Time& last = last_ok_.try_emplace(account, *succeeded_at).first->second;
    last = std::max(last, *succeeded_at);
  }
}

void ControlMetrics::SetLastArchived(const std::vector<std::pair<std::string, absl::Time>>& last) {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, absl::Time> next;
  for (const auto& [account, end] : last) {
    absl::Time t = end;
    if (auto it = last_ok_.find(account); it != last_ok_.end()) t = std::max(t, it->second);
    next[account] = t;
  }
  for (const auto& [account, end] : last_ok_) {
    if (next.count(account) == 0) lag_.Remove(&lag_.Add({{"account", account}}));
  }
  last_ok_ = std::move(next);
}

void ControlMetrics::RefreshLag(absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [account, end] : last_ok_) {
    lag_.Add({{"account", account}}).Set(std::max(0.0, absl::ToDoubleSeconds(now - end)));
  }
}

PublicationOutcome ControlMetrics::OutcomeOf(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return PublicationOutcome::kOk;
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kPermissionDenied:
      return PublicationOutcome::kRefused;
    default:
      return PublicationOutcome::kError;
  }
}

}  // namespace mc::control
