// CompiledTemplate: a template version (TemplateContent) with every personalised text compiled:
// the default parts (subject, HTML and text bodies, SMS text), each language variant's parts,
// and the sender's fields (From, Reply-To, custom header values, List-Unsubscribe). Each text
// is CompiledText or ScriptedText as it needs (personalised_text.h): a template without code
// never touches a script heap. Render picks the variant for the event's language
// (variant_choice.h) and renders it into a RenderedMessage.
//
// Failure modes: Compile returns INVALID_ARGUMENT naming the part and the position
// ("html_body: line 3, column 7: ...", "variants[fr].subject: ...", "sender.from: ...",
// "sender.headers[0].value: ..."). Render fails only for texts with code, naming the part
// ("html_body: the template ran past its time budget (50 ms)", "subject: line 2: TypeError:
// ..."), and FAILED_PRECONDITION when such a template is rendered without a heap.
// Immutable after Compile: Render is thread-safe (the heap is the calling thread's).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/personalisation/personalised_text.h"
#include "common/personalisation/render_input.h"
#include "common/personalisation/template_content.h"
#include "common/script/script_heap.h"

namespace mc::personalisation {

struct RenderedMessage {
  std::string subject;
  std::string html;
  std::string text;
  std::string sms;
  std::string language;  // the variant's language as written; "" for the default parts
  // The sender, rendered (empty: the defaults).
  std::string from;
  std::string reply_to;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string list_unsubscribe;
  bool list_unsubscribe_post = false;
};

class CompiledTemplate {
 public:
  [[nodiscard]] static absl::StatusOr<CompiledTemplate> Compile(const TemplateContent& content);

  [[nodiscard]] absl::StatusOr<RenderedMessage> Render(const RenderInput& input,
                                                       script::ScriptHeap* heap) const;
  // Whether any text has code (needs a heap).
  bool has_script() const { return has_script_; }

 private:
  struct Parts {
    PersonalisedText subject, html, text, sms;
  };
  [[nodiscard]] static absl::Status CompileParts(const std::string& prefix,
                                                 const std::string& subject,
                                                 const std::string& html, const std::string& text,
                                                 const std::string& sms, Parts* out,
                                                 bool* has_script);

  Parts default_;
  std::vector<std::string> languages_;  // variants_[i]'s language
  std::vector<Parts> variants_;
  PersonalisedText from_, reply_to_, list_unsubscribe_;
  std::vector<std::pair<std::string, PersonalisedText>> headers_;
  bool list_unsubscribe_post_ = false;
  bool has_script_ = false;
};

}  // namespace mc::personalisation
