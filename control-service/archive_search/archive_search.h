// ArchiveSearch: the archive's search across every instance (ArchiveService), as plain logic.
//
// Search: checks the request (at least one of address, external_id, event_type, status or a
// received bound; status a final one; a received range not empty; lengths; page size 1 to 1000,
// 0: 100; the page token, which must come from this filter), then reads one event more than the
// page size, so that a page ending exactly at the last event carries no next token. Newest
// received first; the next page token is bound to the filter (search_token.h).
// Get: one archived event with its story and timeline (story_timeline.h).
// Failure modes: INVALID_ARGUMENT naming the field; NOT_FOUND when the account archived no such
// event; UNAVAILABLE when the archive is unreachable. Thread-safe (the store and codec are).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "control-service/archive_search/archive_search_store.h"
#include "control-service/archive_search/archived_story.h"
#include "control-service/archive_search/search_token.h"

namespace mc::control {

class ArchiveSearch {
 public:
  static constexpr int kDefaultPageSize = 100;
  static constexpr int kMaxPageSize = 1000;

  ArchiveSearch(ArchiveSearchStore& store, const SearchTokenCodec& tokens)
      : store_(store), tokens_(tokens) {}

  [[nodiscard]] absl::StatusOr<SearchPage> Search(const SearchRequest& request) const;
  [[nodiscard]] absl::StatusOr<ArchivedStory> Get(const std::string& account,
                                                  int64_t event_id) const;

 private:
  ArchiveSearchStore& store_;
  const SearchTokenCodec& tokens_;
};

// INVALID_ARGUMENT naming the first field that is wrong (see Search above).
[[nodiscard]] absl::Status ValidateSearchFilter(const SearchFilter& filter);

}  // namespace mc::control
