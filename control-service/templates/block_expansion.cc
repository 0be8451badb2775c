#include "control-service/templates/block_expansion.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/text/utf8.h"

namespace mc::control {
namespace {

using personalisation::TemplateContent;

constexpr absl::string_view kOpen = "<%@";

struct Include {
  size_t begin = 0, end = 0;  // the directive's bytes
  std::string name;
};

// Reads the directive at `at` (which starts with "<%@"); nullopt when it is not an include.
std::optional<Include> ReadInclude(absl::string_view text, size_t at) {
  size_t i = at + kOpen.size();
  auto spaces = [&] {
    const size_t from = i;
    while (i < text.size() && absl::ascii_isspace(static_cast<unsigned char>(text[i]))) ++i;
    return i > from;
  };
  auto word = [&](absl::string_view w) {
    if (text.substr(i, w.size()) != w) return false;
    i += w.size();
    return true;
  };
  spaces();
  if (!word("include") || !spaces() || !word("view")) return std::nullopt;
  spaces();
  if (!word("=")) return std::nullopt;
  spaces();
  if (i >= text.size() || (text[i] != '\'' && text[i] != '"')) return std::nullopt;
  const char quote = text[i++];
  const size_t close = text.find(quote, i);
  if (close == absl::string_view::npos) return std::nullopt;
  Include inc{.begin = at, .name = std::string(text.substr(i, close - i))};
  i = close + 1;
  spaces();
  if (!word("%>") || inc.name.empty()) return std::nullopt;
  inc.end = i;
  return inc;
}

// "line L, column C" of byte `at`, counted in characters as the template parser counts them.
std::string Position(absl::string_view text, size_t at) {
  const absl::string_view before = text.substr(0, at);
  const size_t line_start = before.rfind('\n');
  const size_t line = std::count(before.begin(), before.end(), '\n') + 1;
  const absl::string_view column_text =
      line_start == absl::string_view::npos ? before : before.substr(line_start + 1);
  return absl::StrCat("line ", line, ", column ", text::CodePoints(column_text) + 1);
}

std::string Chain(const std::vector<std::string>& within, const std::string& next) {
  return absl::StrCat(absl::StrJoin(within, " > "), " > ", next);
}

absl::Status Fault(absl::string_view part, const std::vector<std::string>& within,
                   absl::string_view why) {
  if (within.empty()) return absl::InvalidArgumentError(absl::StrCat(part, ": ", why));
  return absl::InvalidArgumentError(absl::StrCat(part, ": block '", within.back(), "' ", why));
}

absl::Status Expand(absl::string_view part, absl::string_view text, const BlocksByName& blocks,
                    std::vector<std::string>& within, std::map<std::string, int>& used,
                    std::string& out) {
  size_t from = 0;
  for (size_t at = text.find(kOpen); at != absl::string_view::npos; at = text.find(kOpen, from)) {
    const std::optional<Include> inc = ReadInclude(text, at);
    if (!inc) {
      const std::string why = absl::StrCat(
          Position(text, at), ": <%@ is only <%@ include view='NAME' %> (a block's name)");
      if (within.empty()) return absl::InvalidArgumentError(absl::StrCat(part, ": ", why));
      return absl::InvalidArgumentError(absl::StrCat(part, ": block '", within.back(), "': ", why));
    }
    absl::StrAppend(&out, text.substr(from, inc->begin - from));
    from = inc->end;
    const auto block = blocks.find(inc->name);
    if (block == blocks.end()) {
      return Fault(part, within,
                   absl::StrCat("includes block '", inc->name,
                                "', which does not exist (create it, or remove the include)"));
    }
    if (std::find(within.begin(), within.end(), inc->name) != within.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          part, ": block '", inc->name, "' includes itself: ", Chain(within, inc->name)));
    }
    if (static_cast<int>(within.size()) >= kMaxBlockDepth) {
      return absl::InvalidArgumentError(absl::StrCat(
          part, ": blocks nested deeper than ", kMaxBlockDepth, ": ", Chain(within, inc->name)));
    }
    used[inc->name] = block->second.version;
    within.push_back(inc->name);
    absl::Status s = Expand(part, block->second.content, blocks, within, used, out);
    within.pop_back();
    if (!s.ok()) return s;
    if (out.size() > kMaxExpandedBytes) {
      return absl::InvalidArgumentError(absl::StrCat(part, ": longer than ", kMaxExpandedBytes,
                                                     " bytes once its blocks are included"));
    }
  }
  absl::StrAppend(&out, text.substr(from));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> ExpandText(absl::string_view part, absl::string_view text,
                                       const BlocksByName& blocks, std::vector<std::string> within,
                                       std::map<std::string, int>& used) {
  std::string out;
  if (absl::Status s = Expand(part, text, blocks, within, used, out); !s.ok()) return s;
  return out;
}

absl::StatusOr<TemplateContent> ExpandBlocks(const TemplateContent& content,
                                             const BlocksByName& blocks) {
  TemplateContent out = content;
  std::map<std::string, int> used;
  auto expand = [&](const std::string& part, std::string& text) -> absl::Status {
    absl::StatusOr<std::string> expanded = ExpandText(part, text, blocks, {}, used);
    if (!expanded.ok()) return expanded.status();
    text = *std::move(expanded);
    return absl::OkStatus();
  };
  for (auto [name, text] : {std::pair<const char*, std::string*>{"subject", &out.subject},
                            {"html_body", &out.html_body},
                            {"text_body", &out.text_body},
                            {"sms_text", &out.sms_text}}) {
    if (absl::Status s = expand(name, *text); !s.ok()) return s;
  }
  for (personalisation::TemplateVariant& v : out.variants) {
    const std::string prefix = absl::StrCat("variants[", v.language, "].");
    for (auto [name, text] : {std::pair<const char*, std::string*>{"subject", &v.subject},
                              {"html_body", &v.html_body},
                              {"text_body", &v.text_body},
                              {"sms_text", &v.sms_text}}) {
      if (absl::Status s = expand(prefix + name, *text); !s.ok()) return s;
    }
  }
  out.blocks.clear();
  for (const auto& [name, version] : used) out.blocks.push_back({.name = name, .version = version});
  return out;
}

std::vector<std::string> IncludedNames(absl::string_view text) {
  std::vector<std::string> names;
  for (size_t at = text.find(kOpen); at != absl::string_view::npos;
       at = text.find(kOpen, at + kOpen.size())) {
    const std::optional<Include> inc = ReadInclude(text, at);
    if (inc && std::find(names.begin(), names.end(), inc->name) == names.end()) {
      names.push_back(inc->name);
    }
  }
  return names;
}

}  // namespace mc::control
