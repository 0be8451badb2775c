// CompiledTemplate: a published template with every part compiled (subject, HTML and text
// bodies, SMS text), rendered per event into a Message.
//
// Failure modes: Compile returns INVALID_ARGUMENT naming the part and the position
// ("html_body: line 3, column 7: ..."). Immutable after Compile: Render is thread-safe.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "execution-service/templates/personalisation.h"
#include "execution-service/templates/template.h"

namespace mc::execution {

struct RenderedMessage {
  std::string subject;
  std::string html;
  std::string text;
  std::string sms;
};

class CompiledTemplate {
 public:
  static absl::StatusOr<CompiledTemplate> Compile(const PublishedTemplate& published);

  // Renders for one event; `ctx` is the event's ctx, parsed.
  RenderedMessage Render(const RenderInput& input) const;
  const PublishedTemplate& published() const { return published_; }

 private:
  PublishedTemplate published_;
  CompiledText subject_, html_, text_, sms_;
};

}  // namespace mc::execution
