// Compares a control instance's archive of one account with the execution instance's own
// tables, row for row (both schemas live on the same PostgreSQL in the tests): what a clean
// archiving run of everything final must leave.
#pragma once

#include <cstdint>
#include <string>

namespace mc::e2e {

struct ArchiveDiff {
  int64_t source_events = 0, archived_events = 0, event_mismatches = 0;
  int64_t source_logs = 0, archived_logs = 0, log_mismatches = 0;
  int64_t source_quarantine = 0, archived_quarantine = 0, quarantine_mismatches = 0;
};

ArchiveDiff CompareArchive(const std::string& dsn, const std::string& control_schema,
                           const std::string& account, const std::string& execution_schema);

}  // namespace mc::e2e
