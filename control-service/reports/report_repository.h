// ReportRepository: the report queries over the control's archive, one statement each.
//
// Failure modes: INVALID_ARGUMENT when the period is empty or longer than 366 days; UNAVAILABLE
// when PostgreSQL cannot be reached. Thread-safe.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "common/pg/connection_pool.h"
#include "control-service/reports/report.h"

namespace mc::control {

class ReportRepository {
 public:
  explicit ReportRepository(pg::ConnectionPool& pool);

  // One row per account, then the total row.
  [[nodiscard]] absl::StatusOr<std::vector<ServiceLevelRow>> ServiceLevel(const ReportFilter& f);
  // One row per account, then the total row; the queue is sampled at every hour of the period.
  [[nodiscard]] absl::StatusOr<std::vector<ProcessingTimeRow>> ProcessingTime(
      const ReportFilter& f);
  // By period start (hour or day, UTC) then event type.
  [[nodiscard]] absl::StatusOr<std::vector<HistoryRow>> History(const ReportFilter& f, bool daily);
  [[nodiscard]] absl::StatusOr<std::vector<StatusCountRow>> StatusCounts(const ReportFilter& f);

 private:
  pg::ConnectionPool& pool_;
};

}  // namespace mc::control
