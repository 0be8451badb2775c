// Reports from the archive (DOMAIN.md section 7), per execution instance (account), channel,
// event type and period. Every figure concerns the events received in [from, to). Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace mc::control {

struct ReportFilter {
  std::vector<std::string> accounts;  // empty: all
  std::optional<int> channel;
  std::string event_type;  // empty: all
  absl::Time from, to;
};

struct ServiceLevelRow {
  std::string account;  // "" for the total row
  int64_t incoming = 0, sent = 0;
  double average_sending_seconds = 0;
  int64_t not_taken_into_account = 0, expired = 0, delivery_failed = 0, ignored = 0;
  int64_t cancelled = 0;  // neither sent nor an error
};

struct ProcessingTimeRow {
  std::string account;  // "" for the total row
  double average_queuing_seconds = 0, average_sending_seconds = 0;
  int64_t queue_min = 0;
  double queue_avg = 0;
  int64_t queue_max = 0;
};

struct HistoryRow {
  absl::Time period_start;
  std::string event_type;
  int64_t events = 0, sent = 0;
};

struct StatusCountRow {
  std::string account;
  int status = 0;
  int64_t events = 0;
};

}  // namespace mc::control
