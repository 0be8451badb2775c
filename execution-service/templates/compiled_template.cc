#include "execution-service/templates/compiled_template.h"

namespace mc::execution {

absl::StatusOr<CompiledTemplate> CompiledTemplate::Compile(const PublishedTemplate& published) {
  absl::StatusOr<personalisation::CompiledTemplate> compiled =
      personalisation::CompiledTemplate::Compile(published.content);
  if (!compiled.ok()) return compiled.status();
  CompiledTemplate t;
  t.published_ = published;
  t.compiled_ = *std::move(compiled);
  return t;
}

absl::StatusOr<RenderedMessage> CompiledTemplate::Render(const EventRenderInput& input,
                                                         script::ScriptHeap* heap) const {
  if (input.event == nullptr) return compiled_.Render({.id = input.id, .ctx = input.ctx}, heap);
  const NewEvent& e = *input.event;
  const personalisation::EventFields fields{.type = e.type,
                                            .email = e.email,
                                            .mobile_phone = e.mobile_phone,
                                            .external_id = e.external_id,
                                            .origin = e.origin,
                                            .language = e.language,
                                            .country = e.country};
  return compiled_.Render({.id = input.id, .event = &fields, .ctx = input.ctx}, heap);
}

}  // namespace mc::execution
