// PersonalisedText: one personalised text (a subject, a body, an SMS text, a sender field) in
// whichever form it needs: CompiledText (compiled_text.h: the fast path, no script heap) when
// every tag is a reference (rtEvent or batchEvent, then .name and [n] steps: a reference to an
// unknown event field stays refused as CompiledText refuses it), else ScriptedText
// (scripted_text.h: ACC code, expressions, helpers, `.@name`, run on a script heap). Compile
// picks; Render runs it.
//
// Failure modes: Compile returns CompiledText's error for a text without code, ScriptedText's
// for one with code ("line L, column C: ..."). Render of a scripted text fails as ScriptedText
// says (budgets, throws), and FAILED_PRECONDITION when no heap is given. Immutable after
// Compile: Render is thread-safe (the heap is the calling thread's).
#pragma once

#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/personalisation/compiled_text.h"
#include "common/personalisation/render_input.h"
#include "common/personalisation/scripted_text.h"
#include "common/script/script_heap.h"

namespace mc::personalisation {

class PersonalisedText {
 public:
  PersonalisedText() = default;
  [[nodiscard]] static absl::StatusOr<PersonalisedText> Compile(absl::string_view source,
                                                                bool html);

  [[nodiscard]] absl::StatusOr<std::string> Render(const RenderInput& input,
                                                   script::ScriptHeap* heap) const;
  bool scripted() const { return std::holds_alternative<ScriptedText>(text_); }
  bool empty() const;

 private:
  std::variant<CompiledText, ScriptedText> text_;
};

}  // namespace mc::personalisation
