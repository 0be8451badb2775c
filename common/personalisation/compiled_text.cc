#include "common/personalisation/compiled_text.h"

#include <charconv>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/script/locale_format.h"

namespace mc::personalisation {
namespace {

absl::Status ErrorAt(absl::string_view source, size_t offset, absl::string_view why) {
  int line = 1, column = 1;
  for (size_t i = 0; i < offset && i < source.size(); ++i) {
    if (source[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(source[i]) & 0xC0) != 0x80) {
      ++column;  // count characters, not UTF-8 continuation bytes
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("line ", line, ", column ", column, ": ", why));
}

bool IsIdentifier(absl::string_view s) {
  if (s.empty() || !(absl::ascii_isalpha(s[0]) || s[0] == '_')) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

const char* const kFields[] = {"id",         "type",   "email",    "mobilePhone",
                               "externalId", "origin", "language", "country"};

std::string JsonText(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_number_float()) {
    double d = v.get<double>();
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    return std::string(buf, r.ptr);
  }
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

// The same five references as escapeXMLString (ACC's), one implementation.
std::string HtmlEscape(absl::string_view text) { return script::EscapeXml(text); }

namespace {

// The path after "ctx." (parts[2...]): keys and [n] list indexes, into `path`. `offset` is
// where parts[2] starts in `source`, for the errors' positions.
absl::Status ParseCtxPath(absl::string_view source, const std::vector<absl::string_view>& parts,
                          size_t offset, std::vector<std::variant<std::string, size_t>>* path) {
  for (size_t i = 2; i < parts.size(); ++i) {
    absl::string_view part = parts[i];
    size_t bracket = part.find('[');
    absl::string_view key = part.substr(0, bracket);
    if (!IsIdentifier(key)) {
      return ErrorAt(source, offset, absl::StrCat("malformed path element '", part, "'"));
    }
    path->emplace_back(std::string(key));
    while (bracket != absl::string_view::npos) {
      size_t end = part.find(']', bracket);
      size_t index = 0;
      if (end == absl::string_view::npos ||
          !absl::SimpleAtoi(part.substr(bracket + 1, end - bracket - 1), &index)) {
        return ErrorAt(source, offset + bracket, "list index must be [number]");
      }
      path->emplace_back(index);
      bracket = end + 1 < part.size() ? end + 1 : absl::string_view::npos;
      if (bracket != absl::string_view::npos && part[bracket] != '[') {
        return ErrorAt(source, offset + bracket, "unexpected text after ']'");
      }
    }
    offset += part.size() + 1;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CompiledText> CompiledText::Compile(absl::string_view source, bool html) {
  CompiledText compiled;
  size_t pos = 0;
  while (pos < source.size()) {
    size_t open = source.find("<%", pos);
    if (open == absl::string_view::npos) {
      compiled.segments_.emplace_back(std::string(source.substr(pos)));
      break;
    }
    if (open > pos) compiled.segments_.emplace_back(std::string(source.substr(pos, open - pos)));
    size_t close = source.find("%>", open + 2);
    if (close == absl::string_view::npos) {
      return ErrorAt(source, open, "tag opened with '<%' is never closed with '%>'");
    }
    if (open + 2 >= close || (source[open + 2] != '=' && source[open + 2] != '-')) {
      return ErrorAt(source, open,
                     "only <%= reference %> and <%- reference %> are supported in templates");
    }
    Reference ref;
    ref.escape = html && source[open + 2] == '=';
    const size_t expr_start = open + 3;
    absl::string_view expr = source.substr(expr_start, close - expr_start);
    size_t lead = 0;
    while (lead < expr.size() && absl::ascii_isspace(expr[lead])) ++lead;
    expr = absl::StripAsciiWhitespace(expr);
    const size_t expr_offset = expr_start + lead;
    if (expr.empty()) return ErrorAt(source, open, "empty reference");
    // Split on '.', with [n] suffixes for list items.
    std::vector<absl::string_view> parts = absl::StrSplit(expr, '.');
    size_t offset = expr_offset;
    if (parts[0] != "rtEvent" && parts[0] != "batchEvent") {
      return ErrorAt(source, offset,
                     absl::StrCat("unknown reference '", parts[0],
                                  "' (use rtEvent.ctx.<path> or batchEvent.ctx.<path>)"));
    }
    offset += parts[0].size() + 1;
    if (parts.size() < 2)
      return ErrorAt(source, expr_offset, "reference needs a field after the event");
    if (parts[1] == "ctx") {
      ref.ctx = true;
      offset += 4;
      if (parts.size() < 3)
        return ErrorAt(source, expr_offset, "ctx needs a path, e.g. ctx.order.id");
      if (absl::Status st = ParseCtxPath(source, parts, offset, &ref.path); !st.ok()) return st;
    } else {
      bool known = false;
      for (const char* f : kFields) known |= parts[1] == f;
      if (!known || parts.size() != 2) {
        return ErrorAt(source, offset,
                       absl::StrCat("unknown event field '", parts[1],
                                    "' (ctx.<path>, id, type, email, mobilePhone, externalId, "
                                    "origin, language or country)"));
      }
      ref.field = std::string(parts[1]);
    }
    compiled.segments_.emplace_back(std::move(ref));
    pos = close + 2;
  }
  return compiled;
}

std::string CompiledText::Render(const RenderInput& in) const {
  std::string out;
  for (const Segment& s : segments_) {
    if (const std::string* literal = std::get_if<std::string>(&s)) {
      out += *literal;
      continue;
    }
    const Reference& ref = std::get<Reference>(s);
    std::string value;
    if (ref.ctx) {
      const nlohmann::json* cur = in.ctx;
      for (const auto& step : ref.path) {
        if (cur == nullptr) break;
        if (const std::string* key = std::get_if<std::string>(&step)) {
          auto it = cur->is_object() ? cur->find(*key) : cur->end();
          cur = cur->is_object() && it != cur->end() ? &*it : nullptr;
        } else {
          size_t index = std::get<size_t>(step);
          cur = cur->is_array() && index < cur->size() ? &(*cur)[index] : nullptr;
        }
      }
      if (cur != nullptr) value = JsonText(*cur);
    } else if (in.event != nullptr) {
      const EventFields& e = *in.event;
      if (ref.field == "id") value = std::to_string(in.id);
      if (ref.field == "type") value = std::string(e.type);
      if (ref.field == "email") value = std::string(e.email);
      if (ref.field == "mobilePhone") value = std::string(e.mobile_phone);
      if (ref.field == "externalId") value = std::string(e.external_id);
      if (ref.field == "origin") value = std::string(e.origin);
      if (ref.field == "language") value = std::string(e.language);
      if (ref.field == "country") value = std::string(e.country);
    }
    out += ref.escape ? HtmlEscape(value) : value;
  }
  return out;
}

}  // namespace mc::personalisation
