// ArchiveSearchRepository: the archive search's statements over archived_events (and the
// delivery log for one event's story), the ArchiveSearchStore of production.
//
// Search is one statement; which one depends on the filter, so each has a plan that uses its
// index whatever the other filters: by address (archived_events_address_key, migration 0006:
// the address keyed for each of the channels it could be, then compared for the event's own
// channel), by external id (archived_events_external_id), or the others (the time indexes).
// Get is one statement too; each runs alone (autocommit: one round trip).
// Failure modes: UNAVAILABLE when PostgreSQL cannot be reached.
// Thread-safe.
#pragma once

#include "common/pg/connection_pool.h"
#include "control-service/archive_search/archive_search_store.h"

namespace mc::control {

class ArchiveSearchRepository final : public ArchiveSearchStore {
 public:
  explicit ArchiveSearchRepository(pg::ConnectionPool& pool);

  [[nodiscard]] absl::StatusOr<std::vector<ArchivedStory>> Search(
      const SearchFilter& filter, const std::optional<StoryCursor>& after, int limit) override;
  [[nodiscard]] absl::StatusOr<std::optional<ArchivedStory>> Get(const std::string& account,
                                                                 int64_t event_id) override;

 private:
  pg::ConnectionPool& pool_;
};

}  // namespace mc::control
