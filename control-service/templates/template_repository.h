// TemplateRepository: authored templates and their publications in the control's schema: the
// parts and seeds, what the template carries beside its parts (default language, variants,
// sender, attachments: column extras), each instance's outcome of each version, and the blocks
// each version was expanded from (publication_blocks).
//
// Failure modes: NOT_FOUND naming the template; ALREADY_EXISTS for a duplicate internal name;
// FAILED_PRECONDITION when deleting a published template; UNAVAILABLE when PostgreSQL cannot
// be reached. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/pg/connection_pool.h"
#include "control-service/templates/template.h"

namespace mc::control {

class TemplateRepository {
 public:
  explicit TemplateRepository(pg::ConnectionPool& pool);

  [[nodiscard]] absl::StatusOr<AuthoredTemplate> Create(const AuthoredTemplate& t);
  // Replaces the authored fields (not status, version, publication time).
  [[nodiscard]] absl::StatusOr<AuthoredTemplate> Update(const AuthoredTemplate& t);
  [[nodiscard]] absl::StatusOr<AuthoredTemplate> Get(const std::string& name);
  [[nodiscard]] absl::StatusOr<std::vector<AuthoredTemplate>> List();
  [[nodiscard]] absl::Status Delete(const std::string& name);

  // Records each instance's outcome of `version` and the blocks its parts were expanded from
  // (replacing those of an earlier try of that version); when `published` (at least one
  // instance took it) the template becomes published at that version, and its
  // published_blocks are those.
  [[nodiscard]] absl::StatusOr<AuthoredTemplate> RecordPublication(
      const std::string& name, int version, const std::vector<InstanceOutcome>& outcomes,
      const std::vector<personalisation::IncludedBlock>& blocks, bool published);
  [[nodiscard]] absl::StatusOr<AuthoredTemplate> MarkUnpublished(const std::string& name);

 private:
  pg::ConnectionPool& pool_;
};

}  // namespace mc::control
