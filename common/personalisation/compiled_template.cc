#include "common/personalisation/compiled_template.h"

#include "absl/strings/str_cat.h"

namespace mc::personalisation {

absl::StatusOr<CompiledTemplate> CompiledTemplate::Compile(const TemplateContent& c) {
  CompiledTemplate t;
  struct Part {
    const char* name;
    const std::string& source;
    bool html;
    CompiledText* out;
  };
  for (const Part& p : {Part{"subject", c.subject, false, &t.subject_},
                        Part{"html_body", c.html_body, true, &t.html_},
                        Part{"text_body", c.text_body, false, &t.text_},
                        Part{"sms_text", c.sms_text, false, &t.sms_}}) {
    absl::StatusOr<CompiledText> compiled = CompiledText::Compile(p.source, p.html);
    if (!compiled.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(p.name, ": ", compiled.status().message()));
    }
    *p.out = std::move(*compiled);
  }
  return t;
}

RenderedMessage CompiledTemplate::Render(const RenderInput& input) const {
  return {subject_.Render(input), html_.Render(input), text_.Render(input), sms_.Render(input)};
}

}  // namespace mc::personalisation
