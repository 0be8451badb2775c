#include "common/personalisation/compiled_template.h"

#include "absl/strings/str_cat.h"
#include "common/personalisation/variant_choice.h"

namespace mc::personalisation {
namespace {

// Compiles `source` into *out; the error names `part`.
absl::Status CompileText(absl::string_view part, const std::string& source, bool html,
                         PersonalisedText* out, bool* has_script) {
  absl::StatusOr<PersonalisedText> compiled = PersonalisedText::Compile(source, html);
  if (!compiled.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(part, ": ", compiled.status().message()));
  }
  *has_script |= compiled->scripted();
  *out = *std::move(compiled);
  return absl::OkStatus();
}

// Renders `text` into *out; the error names `part`.
absl::Status RenderText(absl::string_view part, const PersonalisedText& text,
                        const RenderInput& input, script::ScriptHeap* heap, std::string* out) {
  absl::StatusOr<std::string> rendered = text.Render(input, heap);
  if (!rendered.ok()) {
    return absl::Status(rendered.status().code(),
                        absl::StrCat(part, ": ", rendered.status().message()));
  }
  *out = *std::move(rendered);
  return absl::OkStatus();
}

}  // namespace

absl::Status CompiledTemplate::CompileParts(const std::string& prefix, const std::string& subject,
                                            const std::string& html, const std::string& text,
                                            const std::string& sms, Parts* out, bool* has_script) {
  if (absl::Status s = CompileText(prefix + "subject", subject, false, &out->subject, has_script);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CompileText(prefix + "html_body", html, true, &out->html, has_script);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CompileText(prefix + "text_body", text, false, &out->text, has_script);
      !s.ok()) {
    return s;
  }
  return CompileText(prefix + "sms_text", sms, false, &out->sms, has_script);
}

absl::StatusOr<CompiledTemplate> CompiledTemplate::Compile(const TemplateContent& c) {
  CompiledTemplate t;
  if (absl::Status s = CompileParts("", c.subject, c.html_body, c.text_body, c.sms_text,
                                    &t.default_, &t.has_script_);
      !s.ok()) {
    return s;
  }
  for (const TemplateVariant& v : c.variants) {
    Parts parts;
    if (absl::Status s = CompileParts(absl::StrCat("variants[", v.language, "]."), v.subject,
                                      v.html_body, v.text_body, v.sms_text, &parts, &t.has_script_);
        !s.ok()) {
      return s;
    }
    t.languages_.push_back(v.language);
    t.variants_.push_back(std::move(parts));
  }
  bool& script = t.has_script_;
  const TemplateSender& s = c.sender;
  if (absl::Status st = CompileText("sender.from", s.from, false, &t.from_, &script); !st.ok()) {
    return st;
  }
  if (absl::Status st = CompileText("sender.reply_to", s.reply_to, false, &t.reply_to_, &script);
      !st.ok()) {
    return st;
  }
  if (absl::Status st = CompileText("sender.list_unsubscribe", s.list_unsubscribe, false,
                                    &t.list_unsubscribe_, &script);
      !st.ok()) {
    return st;
  }
  for (size_t i = 0; i < s.headers.size(); ++i) {
    const TemplateHeader& h = s.headers[i];
    PersonalisedText value;
    if (absl::Status st = CompileText(absl::StrCat("sender.headers[", i, "].value"), h.value, false,
                                      &value, &script);
        !st.ok()) {
      return st;
    }
    t.headers_.emplace_back(h.name, std::move(value));
  }
  t.list_unsubscribe_post_ = s.list_unsubscribe_post;
  return t;
}

absl::StatusOr<RenderedMessage> CompiledTemplate::Render(const RenderInput& input,
                                                         script::ScriptHeap* heap) const {
  const int variant = ChooseVariant(
      languages_, input.event == nullptr ? absl::string_view() : input.event->language);
  const Parts& parts = variant < 0 ? default_ : variants_[variant];
  const std::string prefix =
      variant < 0 ? std::string() : absl::StrCat("variants[", languages_[variant], "].");
  RenderedMessage m;
  if (variant >= 0) m.language = languages_[variant];
  struct Job {
    std::string part;
    const PersonalisedText* text;
    std::string* out;
  };
  std::vector<Job> jobs = {{prefix + "subject", &parts.subject, &m.subject},
                           {prefix + "html_body", &parts.html, &m.html},
                           {prefix + "text_body", &parts.text, &m.text},
                           {prefix + "sms_text", &parts.sms, &m.sms},
                           {"sender.from", &from_, &m.from},
                           {"sender.reply_to", &reply_to_, &m.reply_to},
                           {"sender.list_unsubscribe", &list_unsubscribe_, &m.list_unsubscribe}};
  m.headers.resize(headers_.size());
  for (size_t i = 0; i < headers_.size(); ++i) {
    m.headers[i].first = headers_[i].first;
    jobs.push_back(
        {absl::StrCat("sender.headers[", i, "].value"), &headers_[i].second, &m.headers[i].second});
  }
  for (const Job& job : jobs) {
    if (absl::Status s = RenderText(job.part, *job.text, input, heap, job.out); !s.ok()) return s;
  }
  m.list_unsubscribe_post = list_unsubscribe_post_;
  return m;
}

}  // namespace mc::personalisation
