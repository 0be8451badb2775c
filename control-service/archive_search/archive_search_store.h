// ArchiveSearchStore: what ArchiveSearch needs of the archive (ArchiveSearchRepository in
// production, a fake in unit tests).
//
// Search: up to `limit` events matching `filter`, newest received first (received time, then
// account, then event id, all descending), strictly after `after` when set. The filter's
// address is compared as each event's channel keys it (address_key(), migration 0004).
// Get: one archived event with its retries and delivery log; nullopt when there is none.
// Failure modes: UNAVAILABLE when the store is unreachable. Implementations are thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "control-service/archive_search/archived_story.h"

namespace mc::control {

class ArchiveSearchStore {
 public:
  virtual ~ArchiveSearchStore() = default;

  [[nodiscard]] virtual absl::StatusOr<std::vector<ArchivedStory>> Search(
      const SearchFilter& filter, const std::optional<StoryCursor>& after, int limit) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::optional<ArchivedStory>> Get(const std::string& account,
                                                                         int64_t event_id) = 0;
};

}  // namespace mc::control
