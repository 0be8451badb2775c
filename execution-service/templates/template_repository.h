// TemplateRepository: published templates in PostgreSQL (table templates).
//
// Publish stores the real-time and the batch copy of one version in one transaction, with all
// of its content: the parts, and beside them (column extras, migration 0011) the default
// language, the variants, the sender, the attachments and the blocks it was expanded from.
// Failure modes: ALREADY_EXISTS when that version was published before; NOT_FOUND from
// Unpublish (nothing published under that name) and Get; UNAVAILABLE when PostgreSQL is
// unreachable. Thread-safe.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "common/pg/connection_pool.h"
#include "execution-service/templates/template.h"

namespace mc::execution {

class TemplateRepository {
 public:
  explicit TemplateRepository(pg::ConnectionPool& pool);

  [[nodiscard]] absl::StatusOr<std::vector<PublishedTemplate>> Publish(
      const TemplateContent& content);
  // Returns how many copies were unpublished.
  [[nodiscard]] absl::StatusOr<int> Unpublish(const std::string& internal_name);
  [[nodiscard]] absl::StatusOr<std::vector<PublishedTemplate>> List(bool include_unpublished);
  [[nodiscard]] absl::StatusOr<PublishedTemplate> Get(int64_t id);

 private:
  pg::ConnectionPool& pool_;
};

}  // namespace mc::execution
