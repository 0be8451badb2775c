#include "control-service/metrics/control_metrics.h"

#include <catch2/catch.hpp>

#include "common/metrics/metrics.h"

namespace mc::control {
namespace {

bool Has(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST_CASE("archiving runs, rows and errors are counted per account") {
  metrics::Metrics m;
  ControlMetrics cm(m.registry());
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  cm.ArchiveRunEnded("exec_a", {.events = 5, .delivery_logs = 4, .quarantine = 1}, false, t0);
  cm.ArchiveRunEnded("exec_a", {.events = 2}, true, std::nullopt);
  cm.ArchiveRunEnded("exec_b", {}, false, t0);
  const std::string text = m.Render();
  CHECK(Has(text, "mc_archive_runs_total{account=\"exec_a\"} 2"));
  CHECK(Has(text, "mc_archive_run_errors_total{account=\"exec_a\"} 1"));
  CHECK(Has(text, "mc_archive_run_errors_total{account=\"exec_b\"} 0"));
  CHECK(Has(text, "mc_archive_rows_total{account=\"exec_a\",kind=\"events\"} 7"));
  CHECK(Has(text, "mc_archive_rows_total{account=\"exec_a\",kind=\"delivery_logs\"} 4"));
  CHECK(Has(text, "mc_archive_rows_total{account=\"exec_a\",kind=\"quarantine\"} 1"));
}

TEST_CASE("the lag is now minus the last successful end, the later of database and replica") {
  metrics::Metrics m;
  ControlMetrics cm(m.registry());
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  cm.ArchiveRunEnded("exec_a", {}, false, t0 + absl::Seconds(30));
  cm.RefreshLag(t0 + absl::Seconds(100));
  CHECK(Has(m.Render(), "mc_archive_lag_seconds{account=\"exec_a\"} 70"));

  // The database lags behind this replica's run for exec_a; exec_b ran elsewhere.
  cm.SetLastArchived({{"exec_a", t0}, {"exec_b", t0 + absl::Seconds(90)}});
  cm.RefreshLag(t0 + absl::Seconds(100));
  std::string text = m.Render();
  CHECK(Has(text, "mc_archive_lag_seconds{account=\"exec_a\"} 70"));
  CHECK(Has(text, "mc_archive_lag_seconds{account=\"exec_b\"} 10"));

  // exec_a's workflow is gone: its series goes too. A clock behind the end gives 0.
  cm.SetLastArchived({{"exec_b", t0 + absl::Seconds(90)}});
  cm.RefreshLag(t0);
  text = m.Render();
  CHECK(text.find("mc_archive_lag_seconds{account=\"exec_a\"}") == std::string::npos);
  CHECK(Has(text, "mc_archive_lag_seconds{account=\"exec_b\"} 0"));
}

TEST_CASE("publication outcomes: ok, refused, error") {
  metrics::Metrics m;
  ControlMetrics cm(m.registry());
  CHECK(ControlMetrics::OutcomeOf(absl::OkStatus()) == PublicationOutcome::kOk);
  CHECK(ControlMetrics::OutcomeOf(absl::FailedPreconditionError("x")) ==
        PublicationOutcome::kRefused);
  CHECK(ControlMetrics::OutcomeOf(absl::InvalidArgumentError("x")) == PublicationOutcome::kRefused);
  CHECK(ControlMetrics::OutcomeOf(absl::UnavailableError("x")) == PublicationOutcome::kError);
  CHECK(ControlMetrics::OutcomeOf(absl::DeadlineExceededError("x")) == PublicationOutcome::kError);
  cm.Publication(PublicationOutcome::kRefused);
  const std::string text = m.Render();
  CHECK(Has(text, "mc_publications_total{outcome=\"ok\"} 0"));
  CHECK(Has(text, "mc_publications_total{outcome=\"refused\"} 1"));
  CHECK(Has(text, "mc_publications_total{outcome=\"error\"} 0"));
}

}  // namespace
}  // namespace mc::control
