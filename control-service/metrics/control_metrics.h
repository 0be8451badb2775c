// ControlMetrics: the control instance's Prometheus metric families, registered in the
// process's registry (common/metrics) and passed by reference to the logic that moves them:
//   mc_archive_runs_total{account}            archiving runs (each call that reached the account)
//   mc_archive_run_errors_total{account}      those that ended with an error
//   mc_archive_rows_total{account,kind}       rows archived: events, delivery_logs, quarantine
//   mc_archive_lag_seconds{account}           now minus the end of the account's last successful
//                                             run (before any: since its workflow was created)
//   mc_publications_total{outcome}            per instance publication: ok, refused (the
//                                             instance or the control's checks said no), error
// The lag is computed when scraped (RefreshLag, a scrape hook) from the last successful ends,
// which runs on this replica update at once and SetLastArchived refreshes from the database
// (runs of other replicas). An account whose workflow is gone loses its lag series.
//
// Failure modes: none. Thread-safe; runs and publications are rare, so the account-labelled
// series are looked up per call.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace mc::control {

enum class PublicationOutcome { kOk = 0, kRefused = 1, kError = 2 };

class ControlMetrics {
 public:
  explicit ControlMetrics(prometheus::Registry& registry);
  ControlMetrics(const ControlMetrics&) = delete;
  ControlMetrics& operator=(const ControlMetrics&) = delete;

  struct ArchivedRows {
    int64_t events = 0, delivery_logs = 0, quarantine = 0;
  };
  // One run of `account`'s workflow ended; `succeeded_at` is its end when it succeeded.
  void ArchiveRunEnded(const std::string& account, const ArchivedRows& rows, bool failed,
                       std::optional<absl::Time> succeeded_at);

  // The end of each account's last successful run, as the database knows it: replaces the set
  // of accounts (a later end seen by this replica is kept).
  void SetLastArchived(const std::vector<std::pair<std::string, absl::Time>>& last);
  // Sets every lag gauge to `now` minus its account's last successful end.
  void RefreshLag(absl::Time now);

  void Publication(PublicationOutcome outcome) {
    publications_[static_cast<int>(outcome)]->Increment();
  }
  // OK: ok; FAILED_PRECONDITION, INVALID_ARGUMENT, ALREADY_EXISTS, PERMISSION_DENIED:
  // refused; anything else (unreachable, deadline, internal): error.
  static PublicationOutcome OutcomeOf(const absl::Status& status);

 private:
  prometheus::Family<prometheus::Counter>& runs_;
  prometheus::Family<prometheus::Counter>& run_errors_;
  prometheus::Family<prometheus::Counter>& rows_;
  prometheus::Family<prometheus::Gauge>& lag_;
  prometheus::Counter* publications_[3] = {};
  std::mutex mu_;
  std::map<std::string, absl::Time> last_ok_;  // guarded by mu_
};

}  // namespace mc::control
