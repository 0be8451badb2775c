#include "common/personalisation/scripted_text.h"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/personalisation/compiled_text.h"

namespace mc::personalisation {
namespace {

// Line starts of a template, to turn byte offsets into 1-based lines and character columns.
class Lines {
 public:
  explicit Lines(absl::string_view source) : source_(source) {
    starts_.push_back(0);
    for (size_t i = 0; i < source.size(); ++i) {
      if (source[i] == '\n') starts_.push_back(i + 1);
    }
  }
  int LineOf(size_t offset) const {
    return static_cast<int>(std::upper_bound(starts_.begin(), starts_.end(), offset) -
                            starts_.begin());
  }
  int ColumnOf(size_t offset) const {
    int column = 1;
    for (size_t i = starts_[LineOf(offset) - 1]; i < offset && i < source_.size(); ++i) {
      if ((static_cast<unsigned char>(source_[i]) & 0xC0) != 0x80) ++column;
    }
    return column;
  }

 private:
  absl::string_view source_;
  std::vector<size_t> starts_;
};

absl::Status ErrorAt(const Lines& lines, size_t offset, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("line ", lines.LineOf(offset), ", column ", lines.ColumnOf(offset), ": ", why));
}

// A JavaScript string literal of `text`.
std::string JsString(absl::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", c);
        } else if (c == 0xE2 && i + 2 < text.size() && text[i + 1] == '\x80' &&
                   (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
          // U+2028 and U+2029 end a line in ES5 source, also inside a string literal.
          out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
          i += 2;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out += "\"";
  return out;
}

bool IsIdentifierStart(char c) { return absl::ascii_isalpha(c) || c == '_' || c == '$'; }
bool IsIdentifierPart(char c) {
  return absl::ascii_isalnum(c) || c == '_' || c == '$' || (static_cast<unsigned char>(c) & 0x80);
}

// ACC's attribute references, `.@name`, outside string literals, comments and regular
// expression literals, as `["name"]`. Newlines are kept, so lines stay where they were.
std::string RewriteAttributes(absl::string_view code) {
  std::string out;
  out.reserve(code.size());
  // Whether a '/' here starts a regular expression (else it divides): after an operator, an
  // opening bracket, a comma, or a keyword that takes an expression.
  bool regex_allowed = true;
  std::string last_word;
  size_t i = 0;
  auto copy_quoted = [&](char quote) {
    out.push_back(code[i++]);
    while (i < code.size() && code[i] != quote && code[i] != '\n') {
      if (code[i] == '\\' && i + 1 < code.size()) out.push_back(code[i++]);
      out.push_back(code[i++]);
    }
    if (i < code.size() && code[i] == quote) out.push_back(code[i++]);
  };
  while (i < code.size()) {
    const char c = code[i];
    if (c == '"' || c == '\'' || c == '`') {
      copy_quoted(c);
      regex_allowed = false;
    } else if (c == '/' && i + 1 < code.size() && code[i + 1] == '/') {
      while (i < code.size() && code[i] != '\n') out.push_back(code[i++]);
    } else if (c == '/' && i + 1 < code.size() && code[i + 1] == '*') {
      size_t end = code.find("*/", i + 2);
      end = end == absl::string_view::npos ? code.size() : end + 2;
      out.append(code.data() + i, end - i);
      i = end;
    } else if (c == '/' && regex_allowed) {
      out.push_back(code[i++]);
      bool in_class = false;
      while (i < code.size() && code[i] != '\n') {
        const char r = code[i];
        if (r == '\\' && i + 1 < code.size()) {
          out.push_back(code[i++]);
        } else if (r == '[') {
          in_class = true;
        } else if (r == ']') {
          in_class = false;
        } else if (r == '/' && !in_class) {
          break;
        }
        out.push_back(code[i++]);
      }
      if (i < code.size() && code[i] == '/') out.push_back(code[i++]);
      regex_allowed = false;
    } else if (c == '.' && i + 2 < code.size() && code[i + 1] == '@' &&
               IsIdentifierStart(code[i + 2])) {
      size_t end = i + 2;
      while (end < code.size() && IsIdentifierPart(code[end])) ++end;
      absl::StrAppend(&out, "[\"", code.substr(i + 2, end - i - 2), "\"]");
      i = end;
      regex_allowed = false;
    } else if (IsIdentifierPart(c)) {
      size_t end = i;
      while (end < code.size() && IsIdentifierPart(code[end])) ++end;
      last_word = std::string(code.substr(i, end - i));
      out.append(last_word);
      i = end;
      static constexpr absl::string_view kExpressionKeywords[] = {
          "return", "typeof", "instanceof", "in", "of",   "new",  "delete",
          "void",   "throw",  "case",       "do", "else", "yield"};
      regex_allowed = std::find(std::begin(kExpressionKeywords), std::end(kExpressionKeywords),
                                last_word) != std::end(kExpressionKeywords);
    } else {
      out.push_back(code[i++]);
      if (!absl::ascii_isspace(static_cast<unsigned char>(c))) {
        regex_allowed = c != ')' && c != ']' && c != '}';
      }
    }
  }
  return out;
}

// A reference CompiledText accepts (rtEvent.ctx.first-name.items[0]) whose keys are not all
// JavaScript identifiers, as the property accesses CompiledText makes of it
// (rtEvent["ctx"]["first-name"]["items"][0]); empty for anything else, which is JavaScript as
// it is.
std::string PlainReferenceJs(absl::string_view tag, absl::string_view content) {
  content = absl::StripAsciiWhitespace(content);
  if (content.find('-') == absl::string_view::npos || !CompiledText::Compile(tag, false).ok()) {
    return "";
  }
  std::string js;
  bool first = true;
  for (absl::string_view part : absl::StrSplit(content, '.')) {
    size_t bracket = part.find('[');
    absl::string_view key = part.substr(0, bracket);
    absl::StrAppend(&js, first ? key : absl::StrCat("[\"", key, "\"]"));
    if (bracket != absl::string_view::npos) absl::StrAppend(&js, part.substr(bracket));
    first = false;
  }
  return js;
}

enum class TagKind { kCode, kValue, kRawValue, kDirective };

struct Tag {
  size_t open = 0;           // offset of "<%"
  size_t close = 0;          // offset of "%>"
  size_t content_start = 0;  // after "<%", "<%=", "<%-" or "<%@"
  TagKind kind = TagKind::kCode;
};

// The next tag at or after `pos`; false when there is none. An unterminated tag is reported.
absl::StatusOr<bool> NextTag(absl::string_view source, const Lines* lines, size_t pos, Tag* tag) {
  size_t open = source.find("<%", pos);
  if (open == absl::string_view::npos) return false;
  size_t close = source.find("%>", open + 2);
  if (close == absl::string_view::npos) {
    if (lines == nullptr) return absl::InvalidArgumentError("unterminated");
    return ErrorAt(*lines, open, "tag opened with '<%' is never closed with '%>'");
  }
  tag->open = open;
  tag->close = close;
  const char marker = open + 2 < close ? source[open + 2] : '\0';
  tag->kind = marker == '='   ? TagKind::kValue
              : marker == '-' ? TagKind::kRawValue
              : marker == '@' ? TagKind::kDirective
                              : TagKind::kCode;
  tag->content_start = tag->kind == TagKind::kCode ? open + 2 : open + 3;
  return true;
}

// The JavaScript a template becomes, and for each of its lines where in the template it comes
// from.
class JsWriter {
 public:
  explicit JsWriter(const Lines& lines) : lines_(lines) { map_.emplace_back(); }

  void NewLine() {
    js_.push_back('\n');
    map_.emplace_back();
  }
  // The current JavaScript line comes from `offset` (unless an earlier piece of it did).
  void Mark(size_t offset) {
    if (map_.back().line == 0) map_.back() = {lines_.LineOf(offset), lines_.ColumnOf(offset)};
  }
  void Append(absl::string_view text) { js_.append(text.data(), text.size()); }

  // Template code at `offset`: each of its lines on a line of its own, marked where its code
  // starts (its first character that is not a space).
  void AppendCode(absl::string_view source, size_t offset, absl::string_view code) {
    std::string rewritten = RewriteAttributes(code);
    absl::string_view rest = rewritten;
    size_t original = offset;
    for (bool first = true;; first = false) {
      if (!first) NewLine();
      size_t eol = rest.find('\n');
      absl::string_view line = rest.substr(0, eol);
      size_t original_eol = source.find('\n', original);
      size_t original_end = std::min(original_eol, offset + code.size());
      size_t lead = original;
      while (lead < original_end && absl::ascii_isspace(static_cast<unsigned char>(source[lead])))
        ++lead;
      Mark(lead < original_end ? lead : original);
      Append(line);
      if (eol == absl::string_view::npos) break;
      rest.remove_prefix(eol + 1);
      original = original_eol + 1;
    }
  }

  std::string TakeJs() { return std::move(js_); }
  std::vector<ScriptedText::Position> TakeMap() { return std::move(map_); }

 private:
  const Lines& lines_;
  std::string js_;
  std::vector<ScriptedText::Position> map_;
};

// The event's own fields (the argument's members but ctx).
nlohmann::json EventMembers(const RenderInput& in) {
  nlohmann::json fields = nlohmann::json::object();
  if (in.event != nullptr) {
    constexpr int64_t kExact = int64_t{1} << 53;
    if (in.id >= -kExact && in.id <= kExact) {
      fields["id"] = in.id;
    } else {
      fields["id"] = std::to_string(in.id);
    }
    const EventFields& e = *in.event;
    fields["type"] = std::string(e.type);
    fields["email"] = std::string(e.email);
    fields["mobilePhone"] = std::string(e.mobile_phone);
    fields["externalId"] = std::string(e.external_id);
    fields["origin"] = std::string(e.origin);
    fields["language"] = std::string(e.language);
    fields["country"] = std::string(e.country);
  }
  return fields;
}

}  // namespace

bool ScriptedText::NeedsScript(absl::string_view source) {
  Tag tag;
  for (size_t pos = 0;; pos = tag.close + 2) {
    absl::StatusOr<bool> found = NextTag(source, nullptr, pos, &tag);
    if (!found.ok() || !*found) return false;
    if (tag.kind == TagKind::kCode || tag.kind == TagKind::kDirective) return true;
    absl::string_view content =
        absl::StripAsciiWhitespace(source.substr(tag.content_start, tag.close - tag.content_start));
    if (content.empty()) continue;
    if (!CompiledText::Compile(source.substr(tag.open, tag.close + 2 - tag.open), false).ok()) {
      return true;
    }
  }
}

absl::StatusOr<ScriptedText> ScriptedText::Compile(absl::string_view source, bool html) {
  const Lines lines(source);
  JsWriter js(lines);
  js.Mark(0);
  js.Append("(function (rtEvent, batchEvent) {");
  Tag tag;
  size_t pos = 0;
  for (;;) {
    absl::StatusOr<bool> found = NextTag(source, &lines, pos, &tag);
    if (!found.ok()) return found.status();
    const size_t literal_end = *found ? tag.open : source.size();
    if (literal_end > pos) {
      js.NewLine();
      js.Mark(pos);
      js.Append(absl::StrCat("__mc_write(", JsString(source.substr(pos, literal_end - pos)), ");"));
    }
    if (!*found) break;
    absl::string_view content = source.substr(tag.content_start, tag.close - tag.content_start);
    switch (tag.kind) {
      case TagKind::kDirective:
        return ErrorAt(lines, tag.open,
                       "ACC directives (<%@ include ... %>) are not supported: put the "
                       "included content in the template");
      case TagKind::kCode:
        js.NewLine();
        js.AppendCode(source, tag.content_start, content);
        break;
      case TagKind::kValue:
      case TagKind::kRawValue:
        if (absl::StripAsciiWhitespace(content).empty()) {
          return ErrorAt(lines, tag.open, "empty expression");
        }
        js.NewLine();  // marked where the expression starts
        js.Append(tag.kind == TagKind::kValue ? "__mc_write_escaped(" : "__mc_write(");
        if (std::string plain =
                PlainReferenceJs(source.substr(tag.open, tag.close + 2 - tag.open), content);
            !plain.empty()) {
          js.Mark(tag.content_start);
          js.Append(plain);
        } else {
          js.AppendCode(source, tag.content_start, content);
        }
        js.NewLine();  // so that a // comment at the expression's end ends before the ')'
        js.Mark(tag.close);
        js.Append(");");
        break;
    }
    pos = tag.close + 2;
  }
  js.NewLine();
  js.Mark(source.size());
  js.Append("})");

  ScriptedText text;
  text.javascript_ = js.TakeJs();
  text.lines_ = js.TakeMap();
  text.html_ = html;
  text.key_ = absl::Hash<std::string>{}(text.javascript_);
  int js_line = 0;
  if (absl::Status st = script::ScriptHeap::CheckSyntax(text.javascript_, &js_line); !st.ok()) {
    if (st.code() != absl::StatusCode::kInvalidArgument) return st;
    const Position p = text.lines_[std::clamp<size_t>(js_line, 1, text.lines_.size()) - 1];
    return absl::InvalidArgumentError(
        absl::StrCat("line ", p.line, ", column ", p.column, ": ", st.message()));
  }
  return text;
}

absl::StatusOr<std::string> ScriptedText::Render(const RenderInput& input,
                                                 script::ScriptHeap& heap) const {
  const nlohmann::json fields = EventMembers(input);
  script::ScriptCall call{.key = key_,
                          .source = javascript_,
                          .argument = &fields,
                          .argument_ctx = input.ctx,
                          .escape = html_ ? &HtmlEscape : nullptr};
  if (input.event != nullptr) {
    call.language = input.event->language;
    call.country = input.event->country;
  }
  int js_line = 0;
  absl::StatusOr<std::string> out = heap.Run(call, &js_line);
  if (!out.ok() && out.status().code() == absl::StatusCode::kInvalidArgument && js_line > 0 &&
      static_cast<size_t>(js_line) <= lines_.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", lines_[js_line - 1].line, ": ", out.status().message()));
  }
  return out;
}

}  // namespace mc::personalisation
