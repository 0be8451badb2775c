// CompiledTemplate: a template version (TemplateContent) with every part compiled (subject,
// HTML and text bodies, SMS text), rendered per event into a RenderedMessage.
//
// Failure modes: Compile returns INVALID_ARGUMENT naming the part and the position
// ("html_body: line 3, column 7: ..."). Immutable after Compile: Render is thread-safe.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/personalisation/compiled_text.h"
#include "common/personalisation/render_input.h"
#include "common/personalisation/template_content.h"

namespace mc::personalisation {

struct RenderedMessage {
  std::string subject;
  std::string html;
  std::string text;
  std::string sms;
};

class CompiledTemplate {
 public:
  [[nodiscard]] static absl::StatusOr<CompiledTemplate> Compile(const TemplateContent& content);

  RenderedMessage Render(const RenderInput& input) const;

 private:
  CompiledText subject_, html_, text_, sms_;
};

}  // namespace mc::personalisation
