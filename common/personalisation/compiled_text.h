// CompiledText: one personalised text (a subject, a body, an SMS text) in ACC's template
// reference language, compiled once per template version and rendered per event. The language
// is shared by both services: the control instance validates and previews with it, the
// execution instance renders what it sends.
//
// Syntax: literal text with tags
//   <%= rtEvent.ctx.order.id %>    value, HTML-escaped when the text is an HTML body
//   <%- rtEvent.ctx.html %>        value inserted raw (explicitly unescaped)
// The root is rtEvent or batchEvent (either works in either queue); after it, `ctx.` and a path
// into the event's ctx (keys, and [n] for list items), or one of the event's own fields: id,
// type, email, mobilePhone, externalId, origin, language, country. Missing values render empty;
// objects and lists render as JSON.
//
// Failure modes: Compile returns INVALID_ARGUMENT "line L, column C: why" (1-based, counted in
// characters of the source) for an unterminated tag, an unsupported tag (<% code %>), an empty
// or malformed reference, or an unknown root or field. Compiled texts are immutable: Render is
// thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/personalisation/render_input.h"

namespace mc::personalisation {

class CompiledText {
 public:
  [[nodiscard]] static absl::StatusOr<CompiledText> Compile(absl::string_view source, bool html);
  std::string Render(const RenderInput& input) const;
  bool empty() const { return segments_.empty(); }

 private:
  struct Reference {
    bool ctx = false;                                     // a ctx path, else an event field
    std::string field;                                    // when !ctx
    std::vector<std::variant<std::string, size_t>> path;  // when ctx
    bool escape = false;
  };
  using Segment = std::variant<std::string, Reference>;
  std::vector<Segment> segments_;
};

// `text` with & < > " ' as HTML character references (what <%= %> does in an HTML body).
std::string HtmlEscape(absl::string_view text);

}  // namespace mc::personalisation
