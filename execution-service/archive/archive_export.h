// ArchiveExport: the export the control instance's archiving workflow pulls, as plain logic.
//
// Export: checks the request (page size 1 to 5000, 0: 1000; max_pages >= 0; the cursor), requires
// a stamped identifier, stores the request's cursor as the acknowledgement (forward only), then
// hands pages of final events to `emit` in export order until a page is shorter than the page
// size (caught_up) or max_pages were handed. Each page is one statement: pages stay consistent
// while events keep becoming final (see ArchiveRepository::ReadFinalEvents).
// ExportQuarantine: every quarantined or denied address in (channel, address) pages; the last
// page is the first one shorter than the page size (at least one page is handed).
// `emit` returns false when the caller went away: CANCELLED, nothing more is read.
// Failure modes: INVALID_ARGUMENT naming the field; FAILED_PRECONDITION while no identifier is
// stamped; UNAVAILABLE when PostgreSQL is unreachable (pages already handed stay valid: resume
// from the last one's `next`). Thread-safe.
#pragma once

#include <functional>

#include "absl/status/status.h"
#include "execution-service/archive/archive.h"
#include "execution-service/archive/archive_repository.h"
#include "execution-service/archive/identity_repository.h"

namespace mc::execution {

class ArchiveExport {
 public:
  static constexpr int kDefaultPageSize = 1000;
  static constexpr int kMaxPageSize = 5000;

  ArchiveExport(ArchiveRepository& archive, IdentityRepository& identity)
      : archive_(archive), identity_(identity) {}

  [[nodiscard]] absl::Status Export(const ArchiveExportRequest& request,
                                    const std::function<bool(const ArchivePage&)>& emit);
  [[nodiscard]] absl::Status ExportQuarantine(
      int page_size, const std::function<bool(const QuarantinePage&)>& emit);

 private:
  // The stamped identifier, or FAILED_PRECONDITION.
  [[nodiscard]] absl::StatusOr<std::string> RequireInstanceId();

  ArchiveRepository& archive_;
  IdentityRepository& identity_;
};

}  // namespace mc::execution
