// CompiledTemplate: one stored copy (real-time or batch) of a published template, compiled once
// (by the TemplateCatalog) with the shared template language (common/personalisation) and
// rendered per event into a RenderedMessage: the execution's event is what the references name.
//
// Failure modes: Compile returns INVALID_ARGUMENT naming the part and the position
// ("html_body: line 3, column 7: ..."); Render of a template with code may fail (below).
// Immutable after Compile: Render is thread-safe (the heap is the calling thread's).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "common/personalisation/compiled_template.h"
#include "execution-service/events/event.h"
#include "execution-service/templates/template.h"

namespace mc::execution {

using personalisation::RenderedMessage;

// One event to render for: its id, the event as pushed, and its ctx (parsed).
struct EventRenderInput {
  int64_t id = 0;
  const NewEvent* event = nullptr;
  const nlohmann::json* ctx = nullptr;
};

class CompiledTemplate {
 public:
  [[nodiscard]] static absl::StatusOr<CompiledTemplate> Compile(const PublishedTemplate& published);

  // `heap`: the calling worker's script heap (only templates with code use it; nullptr for
  // others). Fails as personalisation::CompiledTemplate::Render does: a template with code
  // that ran past a budget or threw, naming the part.
  [[nodiscard]] absl::StatusOr<RenderedMessage> Render(const EventRenderInput& input,
                                                       script::ScriptHeap* heap) const;
  bool has_script() const { return compiled_.has_script(); }
  const PublishedTemplate& published() const { return published_; }

 private:
  PublishedTemplate published_;
  personalisation::CompiledTemplate compiled_;
};

}  // namespace mc::execution
