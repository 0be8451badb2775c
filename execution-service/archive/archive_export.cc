#include "execution-service/archive/archive_export.h"

#include "absl/strings/str_cat.h"

namespace mc::execution {
namespace {

absl::StatusOr<int> PageSize(int requested, const char* field) {
  if (requested == 0) return ArchiveExport::kDefaultPageSize;
  if (requested < 0 || requested > ArchiveExport::kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": 1 to ", ArchiveExport::kMaxPageSize,
                                                   " (0: ", ArchiveExport::kDefaultPageSize,
                                                   "), got ", requested));
  }
  return requested;
}

absl::Status CallerGone() { return absl::CancelledError("the caller stopped reading the export"); }

}  // namespace

absl::StatusOr<std::string> ArchiveExport::RequireInstanceId() {
  absl::StatusOr<std::string> id = identity_.InstanceId();
  if (!id.ok()) return id.status();
  if (id->empty()) {
    return absl::FailedPreconditionError(
        "the execution instance is not initialized: run Initialize connection on the control "
        "instance");
  }
  return id;
}

absl::Status ArchiveExport::Export(const ArchiveExportRequest& request,
                                   const std::function<bool(const ArchivePage&)>& emit) {
  absl::StatusOr<int> page_size = PageSize(request.page_size, "page_size");
  if (!page_size.ok()) return page_size.status();
  if (request.max_pages < 0) return absl::InvalidArgumentError("max_pages: must not be negative");
  if (absl::Status s = ValidateArchiveCursor(request.after, "after"); !s.ok()) return s;
  absl::StatusOr<std::string> instance_id = RequireInstanceId();
  if (!instance_id.ok()) return instance_id.status();
  if (!request.expected_instance_id.empty() && request.expected_instance_id != *instance_id) {
    // Another instance's cursor must never acknowledge (and so let purge) this one's events.
    return absl::FailedPreconditionError(absl::StrCat(
        "this execution instance carries identifier '", *instance_id, "', not '",
        request.expected_instance_id,
        "': the account points at another instance (check its endpoint, then initialize the "
        "connection again)"));
  }
  if (absl::Status s = archive_.Acknowledge(request.after); !s.ok()) return s;

  ArchiveCursor cursor = request.after;
  for (int pages = 0; request.max_pages == 0 || pages < request.max_pages; ++pages) {
    absl::StatusOr<std::vector<ArchivedEvent>> events =
        archive_.ReadFinalEvents(cursor, *page_size);
    if (!events.ok()) return events.status();
    ArchivePage page{.instance_id = *instance_id, .events = *std::move(events)};
    page.caught_up = static_cast<int>(page.events.size()) < *page_size;
    page.next = page.events.empty() ? cursor : page.events.back().cursor;
    cursor = page.next;
    if (!emit(page)) return CallerGone();
    if (page.caught_up) break;
  }
  return absl::OkStatus();
}

absl::Status ArchiveExport::ExportQuarantine(
    int page_size, const std::function<bool(const QuarantinePage&)>& emit) {
  absl::StatusOr<int> size = PageSize(page_size, "page_size");
  if (!size.ok()) return size.status();
  absl::StatusOr<std::string> instance_id = RequireInstanceId();
  if (!instance_id.ok()) return instance_id.status();
  int after_channel = -1;
  std::string after_address;
  for (bool first = true;; first = false) {
    absl::StatusOr<std::vector<QuarantinedAddress>> addresses =
        archive_.ReadQuarantine(after_channel, after_address, *size);
    if (!addresses.ok()) return addresses.status();
    const bool last = static_cast<int>(addresses->size()) < *size;
    if (!addresses->empty()) {
      after_channel = addresses->back().channel;
      after_address = addresses->back().address;
    }
    if (first || !addresses->empty()) {
      if (!emit({.instance_id = *instance_id, .addresses = *std::move(addresses)})) {
        return CallerGone();
      }
    }
    if (last) return absl::OkStatus();
  }
}

}  // namespace mc::execution
