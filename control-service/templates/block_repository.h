// BlockRepository: personalisation blocks in the control's schema (table blocks, migration
// 0008). Create stores version 1; Update replaces the label and the content and adds one to
// the version, in one statement.
//
// Failure modes: NOT_FOUND naming the block; ALREADY_EXISTS for a duplicate name; UNAVAILABLE
// when PostgreSQL cannot be reached. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/pg/connection_pool.h"
#include "control-service/templates/block.h"

namespace mc::control {

class BlockRepository {
 public:
  explicit BlockRepository(pg::ConnectionPool& pool);

  [[nodiscard]] absl::StatusOr<Block> Create(const Block& b);
  [[nodiscard]] absl::StatusOr<Block> Update(const Block& b);
  [[nodiscard]] absl::StatusOr<Block> Get(const std::string& name);
  // By name.
  [[nodiscard]] absl::StatusOr<std::vector<Block>> List();
  [[nodiscard]] absl::Status Delete(const std::string& name);

 private:
  pg::ConnectionPool& pool_;
};

}  // namespace mc::control
