#include "execution-service/delivery/header_encoder.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace mc::execution {
namespace {

constexpr size_t kMaxLine = 78;         // RFC 5322 section 2.1.1
constexpr size_t kMaxEncodedLine = 76;  // RFC 2047 section 2: a line holding encoded-words
constexpr size_t kMaxEncodedWord = 75;  // RFC 2047 section 2
constexpr absl::string_view kPrefix = "=?UTF-8?B?";
constexpr absl::string_view kSuffix = "?=";
constexpr size_t kOverhead = kPrefix.size() + kSuffix.size();
constexpr size_t kMinEncodedWord = kOverhead + 8;  // one character of 4 bytes

// Bytes of the UTF-8 character at s[i]; 1 for a byte that does not begin a valid sequence.
size_t CharLength(absl::string_view s, size_t i) {
  const unsigned char c = s[i];
  size_t n = 1;
  if ((c >> 5) == 0x6) {
    n = 2;
  } else if ((c >> 4) == 0xE) {
    n = 3;
  } else if ((c >> 3) == 0x1E) {
    n = 4;
  }
  if (i + n > s.size()) return 1;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

// One header field being written: tokens separated by a space, a line folded before a token
// that would not fit. Never folded right after the colon: a decoder would keep that space.
class FoldedField {
 public:
  FoldedField(absl::string_view name, size_t max_line)
      : out_(absl::StrCat(name, ":")), line_(out_.size()), max_line_(max_line) {}

  // Room for a token on the current line.
  size_t Room() const { return line_ + 1 < max_line_ ? max_line_ - line_ - 1 : 0; }
  void NewLine() {
    if (first_) return;
    out_ += "\r\n";
    line_ = 0;
  }
  void Append(absl::string_view token) {
    if (token.size() > Room()) NewLine();
    absl::StrAppend(&out_, " ", token);
    line_ += 1 + token.size();
    first_ = false;
  }
  std::string Finish() && { return std::move(out_) + "\r\n"; }

 private:
  std::string out_;
  size_t line_;
  size_t max_line_;
  bool first_ = true;
};

// True when the value can go out as it is: printable ASCII words, one space between them, none
// longer than the line leaves room for, and nothing a decoder would take for an encoded-word.
bool IsPlainWords(absl::string_view value, size_t first_room) {
  if (value.empty() || value.front() == ' ' || value.back() == ' ') return false;
  if (absl::StrContains(value, "=?") || absl::StrContains(value, "  ")) return false;
  size_t room = first_room;
  for (absl::string_view word : absl::StrSplit(value, ' ')) {
    if (word.size() > room) return false;
    for (unsigned char c : word) {
      if (c < 0x21 || c > 0x7E) return false;
    }
    room = kMaxLine - 1;
  }
  return true;
}

void AppendWords(FoldedField& field, absl::string_view value) {
  for (absl::string_view word : absl::StrSplit(value, ' ')) field.Append(word);
}

// The text as encoded-words, each as long as its line allows, split between characters.
// Adjacent encoded-words decode with no space between them (RFC 2047 section 6.2).
void AppendEncoded(FoldedField& field, absl::string_view text) {
  size_t begin = 0;
  do {
    if (field.Room() < kMinEncodedWord) field.NewLine();
    const size_t length = std::clamp(field.Room(), kMinEncodedWord, kMaxEncodedWord);
    const size_t max_bytes = (length - kOverhead) / 4 * 3;
    size_t end = begin;
    while (end < text.size()) {
      const size_t n = CharLength(text, end);
      if (end + n - begin > max_bytes) break;
      end += n;
    }
    field.Append(
        absl::StrCat(kPrefix, absl::Base64Escape(text.substr(begin, end - begin)), kSuffix));
    begin = end;
  } while (begin < text.size());
}

// A quoted display name without its quotes and backslash escapes; any other as it is.
std::string Unquoted(absl::string_view phrase) {
  if (phrase.size() < 2 || phrase.front() != '"' || phrase.back() != '"') {
    return std::string(phrase);
  }
  std::string out;
  for (size_t i = 1; i + 1 < phrase.size(); ++i) {
    if (phrase[i] == '\\' && i + 2 < phrase.size()) ++i;
    out.push_back(phrase[i]);
  }
  return out;
}

// RFC 5322 specials: a display name holding one must be a quoted string.
bool HasSpecials(absl::string_view phrase) {
  return phrase.find_first_of("()<>[]:;@\\,.\"") != absl::string_view::npos;
}

std::string Quoted(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::string SanitizeHeaderValue(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = value[i];
    if (c < 0x20 || c == 0x7F) {
      out.push_back(' ');
    } else if (c == 0xC2 && i + 1 < value.size() &&
               static_cast<unsigned char>(value[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(value[i + 1]) <= 0x9F) {
      out.push_back(' ');  // U+0080 to U+009F, the C1 controls
      ++i;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string EncodeUnstructuredField(absl::string_view name, absl::string_view value) {
  const std::string text = SanitizeHeaderValue(value);
  if (text.empty()) return absl::StrCat(name, ": \r\n");
  FoldedField plain(name, kMaxLine);
  if (IsPlainWords(text, plain.Room())) {
    AppendWords(plain, text);
    return std::move(plain).Finish();
  }
  FoldedField encoded(name, kMaxEncodedLine);
  AppendEncoded(encoded, text);
  return std::move(encoded).Finish();
}

std::string EncodeMailboxField(absl::string_view name, absl::string_view mailbox) {
  const std::string clean = SanitizeHeaderValue(mailbox);
  const absl::string_view value = absl::StripAsciiWhitespace(clean);
  const size_t open = value.rfind('<');
  if (value.empty() || open == absl::string_view::npos || value.back() != '>') {
    FoldedField field(name, kMaxLine);
    field.Append(value);
    return std::move(field).Finish();
  }
  const absl::string_view display = absl::StripAsciiWhitespace(value.substr(0, open));
  const absl::string_view address = value.substr(open);
  FoldedField plain(name, kMaxLine);
  const std::string words = HasSpecials(display) ? Quoted(Unquoted(display)) : std::string(display);
  if (display.empty() || IsPlainWords(words, plain.Room())) {
    if (!display.empty()) AppendWords(plain, words);
    plain.Append(address);
    return std::move(plain).Finish();
  }
  FoldedField encoded(name, kMaxEncodedLine);
  const std::string phrase = Unquoted(display);
  if (!phrase.empty()) AppendEncoded(encoded, phrase);
  encoded.Append(address);
  return std::move(encoded).Finish();
}

std::string EncodeStructuredField(absl::string_view name, absl::string_view value) {
  const std::string text = SanitizeHeaderValue(value);
  FoldedField field(name, kMaxLine);
  bool empty = true;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    field.Append(word);
    empty = false;
  }
  if (empty) return absl::StrCat(name, ": \r\n");
  return std::move(field).Finish();
}

}  // namespace mc::execution
