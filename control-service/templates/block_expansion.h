// Block expansion: a template's parts with every include of a personalisation block replaced
// by the block's content, as a publication sends them (issue: personalisation blocks). ACC's
// form, `<%@ include view='footer' %>`, with double quotes or single, spaces where ACC allows
// them (`<%@include view = "footer"%>`). Blocks may include blocks, at most kMaxBlockDepth
// deep, never themselves.
//
//  - ExpandBlocks: every part of the content (subject, HTML and text bodies, SMS text, and each
//    variant's) expanded, and `blocks` set to the blocks used with their versions (by name).
//  - ExpandText: one text, named `part` in errors, the blocks it used added to `used`;
//    `within` the blocks the text is already inside (a block's own content: its name).
//  - IncludedNames: the names a text includes directly (each once, in order; a malformed
//    directive skipped), for "who includes this block".
//
// Failure modes: INVALID_ARGUMENT naming the part, and the block when the fault is in one:
// "html_body: includes block 'footer', which does not exist", "html_body: block 'a' includes
// itself: a > b > a", "html_body: blocks nested deeper than 5: a > b > c > d > e > f",
// "html_body: block 'footer': line 1, column 3: <%@ is only <%@ include view='NAME' %>", and
// a part over kMaxExpandedBytes once expanded. Pure functions: thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/personalisation/template_content.h"
#include "control-service/templates/block.h"

namespace mc::control {

inline constexpr int kMaxBlockDepth = 5;
inline constexpr size_t kMaxExpandedBytes = 4 << 20;

using BlocksByName = std::map<std::string, Block>;

[[nodiscard]] absl::StatusOr<personalisation::TemplateContent> ExpandBlocks(
    const personalisation::TemplateContent& content, const BlocksByName& blocks);

[[nodiscard]] absl::StatusOr<std::string> ExpandText(absl::string_view part, absl::string_view text,
                                                     const BlocksByName& blocks,
                                                     std::vector<std::string> within,
                                                     std::map<std::string, int>& used);

std::vector<std::string> IncludedNames(absl::string_view text);

}  // namespace mc::control
