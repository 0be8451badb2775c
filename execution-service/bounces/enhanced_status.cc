#include "execution-service/bounces/enhanced_status.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace mc::execution {
namespace {

// Reads 1 to `max_digits` digits at text[*pos]; false when there are none or more.
bool ReadNumber(absl::string_view text, size_t* pos, size_t max_digits, int* value) {
  size_t digits = 0;
  int v = 0;
  while (*pos < text.size() && absl::ascii_isdigit(text[*pos])) {
    if (++digits > max_digits) return false;
    v = v * 10 + (text[*pos] - '0');
    ++*pos;
  }
  if (digits == 0) return false;
  *value = v;
  return true;
}

// The code starting exactly at text[pos], followed by the end, a space, '(' , ';' or ','
// (a sentence may go on after it), or ')' (qmail's "(#5.1.1)").
std::optional<EnhancedStatus> CodeAt(absl::string_view text, size_t pos) {
  EnhancedStatus s;
  if (!ReadNumber(text, &pos, 1, &s.klass)) return std::nullopt;
  if (s.klass != 2 && s.klass != 4 && s.klass != 5) return std::nullopt;
  if (pos >= text.size() || text[pos++] != '.') return std::nullopt;
  if (!ReadNumber(text, &pos, 3, &s.subject)) return std::nullopt;
  if (pos >= text.size() || text[pos++] != '.') return std::nullopt;
  if (!ReadNumber(text, &pos, 3, &s.detail)) return std::nullopt;
  if (pos < text.size()) {
    const char next = text[pos];
    // "5.1.1." ends a sentence only when nothing but the end or a space follows the dot.
    if (next == '.') {
      if (pos + 1 < text.size() && !absl::ascii_isspace(text[pos + 1])) return std::nullopt;
    } else if (!absl::ascii_isspace(next) && next != '(' && next != ')' && next != ';' &&
               next != ',' && next != ':') {
      return std::nullopt;
    }
  }
  return s;
}

}  // namespace

std::string EnhancedStatus::ToString() const {
  return absl::StrCat(klass, ".", subject, ".", detail);
}

std::optional<EnhancedStatus> ParseEnhancedStatus(absl::string_view text) {
  size_t pos = 0;
  while (pos < text.size() && absl::ascii_isspace(text[pos])) ++pos;
  return CodeAt(text, pos);
}

std::optional<EnhancedStatus> FindEnhancedStatus(absl::string_view text, size_t* at) {
  for (size_t pos = 0; pos < text.size(); ++pos) {
    if (text[pos] != '2' && text[pos] != '4' && text[pos] != '5') continue;
    if (pos > 0) {
      // A word boundary: not inside a number, an IP address, a version or a token ("v5.1.1");
      // "550-5.1.1" (a multiline reply) and qmail's "#5.1.1" count.
      const char before = text[pos - 1];
      if (absl::ascii_isalnum(before) || before == '.' || before == '_') continue;
    }
    if (std::optional<EnhancedStatus> s = CodeAt(text, pos)) {
      if (at != nullptr) *at = pos;
      return s;
    }
  }
  return std::nullopt;
}

std::optional<int> ParseSmtpReplyCode(absl::string_view text) {
  size_t pos = 0;
  while (pos < text.size() && absl::ascii_isspace(text[pos])) ++pos;
  if (pos + 3 > text.size()) return std::nullopt;
  const char a = text[pos], b = text[pos + 1], c = text[pos + 2];
  if (a < '2' || a > '5' || b < '0' || b > '5' || !absl::ascii_isdigit(c)) return std::nullopt;
  if (pos + 3 < text.size()) {
    const char next = text[pos + 3];
    if (!absl::ascii_isspace(next) && next != '-') return std::nullopt;
  }
  return (a - '0') * 100 + (b - '0') * 10 + (c - '0');
}

}  // namespace mc::execution
