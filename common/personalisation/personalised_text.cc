#include "common/personalisation/personalised_text.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace mc::personalisation {
namespace {

bool IsNameStart(char c) { return absl::ascii_isalpha(c) || c == '_' || c == '$'; }
bool IsNameChar(char c) { return absl::ascii_isalnum(c) || c == '_' || c == '$' || c == '-'; }

// rtEvent or batchEvent, then .name and [n] steps only (CompiledText's reference shape).
bool IsReferenceShaped(absl::string_view tag) {
  tag = absl::StripAsciiWhitespace(tag);
  if (!absl::ConsumePrefix(&tag, "rtEvent") && !absl::ConsumePrefix(&tag, "batchEvent")) {
    return false;
  }
  while (!tag.empty()) {
    if (tag[0] == '.') {
      if (tag.size() < 2 || !IsNameStart(tag[1])) return false;
      size_t n = 2;
      while (n < tag.size() && IsNameChar(tag[n])) ++n;
      tag.remove_prefix(n);
    } else if (tag[0] == '[') {
      const size_t close = tag.find(']');
      if (close == absl::string_view::npos || close == 1) return false;
      for (size_t i = 1; i < close; ++i) {
        if (!absl::ascii_isdigit(tag[i])) return false;
      }
      tag.remove_prefix(close + 1);
    } else {
      return false;
    }
  }
  return true;
}

// Whether every tag of `source` is a <%= %> or <%- %> of reference shape: such a text is
// CompiledText's, whose errors (an unknown event field) it keeps, even if NeedsScript would
// take it. An unterminated tag is CompiledText's to report too.
bool OnlyReferences(absl::string_view source) {
  size_t at = 0;
  while ((at = source.find("<%", at)) != absl::string_view::npos) {
    if (at + 2 >= source.size() || (source[at + 2] != '=' && source[at + 2] != '-')) return false;
    const size_t end = source.find("%>", at + 3);
    if (end == absl::string_view::npos) return true;
    if (!IsReferenceShaped(source.substr(at + 3, end - at - 3))) return false;
    at = end + 2;
  }
  return true;
}

}  // namespace

absl::StatusOr<PersonalisedText> PersonalisedText::Compile(absl::string_view source, bool html) {
  PersonalisedText t;
  if (!ScriptedText::NeedsScript(source) || OnlyReferences(source)) {
    absl::StatusOr<CompiledText> compiled = CompiledText::Compile(source, html);
    if (!compiled.ok()) return compiled.status();
    t.text_ = *std::move(compiled);
    return t;
  }
  absl::StatusOr<ScriptedText> scripted = ScriptedText::Compile(source, html);
  if (!scripted.ok()) return scripted.status();
  t.text_ = *std::move(scripted);
  return t;
}

absl::StatusOr<std::string> PersonalisedText::Render(const RenderInput& input,
                                                     script::ScriptHeap* heap) const {
  if (const auto* compiled = std::get_if<CompiledText>(&text_)) return compiled->Render(input);
  if (heap == nullptr) {
    return absl::FailedPreconditionError("a text with code needs a script heap to render");
  }
  return std::get<ScriptedText>(text_).Render(input, *heap);
}

bool PersonalisedText::empty() const {
  if (const auto* compiled = std::get_if<CompiledText>(&text_)) return compiled->empty();
  return false;
}

}  // namespace mc::personalisation
