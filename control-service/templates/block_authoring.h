// BlockAuthoring: the control instance's personalisation blocks (issue: personalisation
// blocks): create, update (the next version), read, delete. A block's content is what a
// publication puts in place of each `<%@ include view='NAME' %>` (block_expansion.h); a
// published template keeps the content it was published with until it is published again.
//
// Rules: name as a template's internal name (a letter then letters, digits, '_', '-' or '.',
// at most 64 characters); label at most 255 characters; content at most kMaxBlockContent
// characters, and its own includes name existing blocks, no cycle, at most kMaxBlockDepth deep.
// Failure modes: INVALID_ARGUMENT naming the field (name, label, content); NOT_FOUND;
// ALREADY_EXISTS; FAILED_PRECONDITION when deleting a block that a template or another block
// includes (naming them); UNAVAILABLE. Thread-safe; the check of who includes a block on
// delete reads the templates and blocks of that moment (one saved meanwhile may include it:
// its publication then refuses the unknown block).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "control-service/templates/block_repository.h"
#include "control-service/templates/template_repository.h"

namespace mc::control {

inline constexpr size_t kMaxBlockContent = 1000000;

class BlockAuthoring {
 public:
  BlockAuthoring(BlockRepository& blocks, TemplateRepository& templates)
      : blocks_(blocks), templates_(templates) {}

  [[nodiscard]] absl::StatusOr<Block> Create(const Block& b);
  [[nodiscard]] absl::StatusOr<Block> Update(const Block& b);
  [[nodiscard]] absl::StatusOr<Block> Get(const std::string& name) { return blocks_.Get(name); }
  [[nodiscard]] absl::StatusOr<std::vector<Block>> List() { return blocks_.List(); }
  [[nodiscard]] absl::Status Delete(const std::string& name);

 private:
  [[nodiscard]] absl::Status Validate(const Block& b);

  BlockRepository& blocks_;
  TemplateRepository& templates_;
};

}  // namespace mc::control
