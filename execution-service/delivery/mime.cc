#include "execution-service/delivery/mime.h"

#include <cstdint>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/mail/mail_field_checks.h"
#include "common/text/fnv1a.h"
#include "execution-service/delivery/header_encoder.h"

namespace mc::execution {
namespace {

// RFC 2046 section 5.1.1 allows 70; " boundary=\"...\"" then fits a 78-octet line.
constexpr size_t kMaxBoundary = 66;
constexpr size_t kMaxParamLine = 76;  // a parameter's folded line, with its "; "

// Base64 in lines of 76 characters.
std::string Base64Lines(const std::string& body) {
  std::string b64 = absl::Base64Escape(body);
  std::string out;
  for (size_t i = 0; i < b64.size(); i += 76) absl::StrAppend(&out, b64.substr(i, 76), "\r\n");
  return out;
}

// A part's body after its header: an empty one still gets its line, so that the delimiter's
// CRLF never doubles as the blank line ending the part's header.
std::string PartBody(const std::string& bytes) {
  return bytes.empty() ? std::string("\r\n") : Base64Lines(bytes);
}

std::string Part(const char* type, const std::string& body) {
  return absl::StrCat("Content-Type: ", type, "; charset=UTF-8\r\n",
                      "Content-Transfer-Encoding: base64\r\n\r\n", PartBody(body));
}

// "=_mc_<tag><base64 of the Message-ID>_": neither base64 nor a part's header line holds "=_",
// so no content can hold a delimiter; a Message-ID too long for RFC 2046's 70 characters
// keeps its start and a hash of the whole. `tag` sets the levels apart ("" or "mix_"): as
// base64 has no '_', neither boundary is a prefix of the other.
std::string Boundary(absl::string_view tag, absl::string_view message_id) {
  std::string id = absl::Base64Escape(message_id);
  const size_t fixed = 5 + tag.size() + 1;
  if (fixed + id.size() > kMaxBoundary) {
    id = absl::StrCat(id.substr(0, kMaxBoundary - fixed - 16),
                      absl::StrFormat("%016x", text::Fnv1a64(std::string_view(message_id.data(),
                                                                              message_id.size()))));
  }
  return absl::StrCat("=_mc_", tag, id, "_");
}

// RFC 2231 attribute-char: what an extended value carries without percent-encoding.
bool IsAttributeChar(unsigned char c) {
  return c > 0x20 && c < 0x7F &&
         absl::string_view("*'%()<>@,;:\\\"/[]?=").find(c) == absl::string_view::npos;
}

// Bytes of the UTF-8 character at s[i]; 1 for a byte that does not begin one.
size_t CharLength(absl::string_view s, size_t i) {
  const unsigned char c = s[i];
  const size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (i + n > s.size()) return 1;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

// One parameter, on its own folded line(s) each beginning ";\r\n ": `attribute="value"` when
// the value is printable ASCII and fits; otherwise RFC 2231's `attribute*=UTF-8''%..`, in
// numbered sections (`attribute*0*=`, `attribute*1*=`, ...) split between whole characters
// when one line cannot hold it.
std::string Parameter(absl::string_view attribute, absl::string_view value) {
  bool printable = true;
  std::string quoted;
  for (unsigned char c : value) {
    printable = printable && c >= 0x20 && c < 0x7F;
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(static_cast<char>(c));
  }
  if (printable && 1 + attribute.size() + 3 + quoted.size() + 1 <= kMaxParamLine) {
    return absl::StrCat(";\r\n ", attribute, "=\"", quoted, "\"");
  }
  std::vector<std::string> encoded;  // one per character
  for (size_t i = 0; i < value.size();) {
    const size_t n = CharLength(value, i);
    std::string e;
    for (size_t k = 0; k < n; ++k) {
      const unsigned char c = value[i + k];
      if (IsAttributeChar(c)) {
        e.push_back(static_cast<char>(c));
      } else {
        absl::StrAppend(&e, absl::StrFormat("%%%02X", c));
      }
    }
    encoded.push_back(std::move(e));
    i += n;
  }
  std::string whole = "UTF-8''";
  for (const std::string& e : encoded) whole += e;
  if (1 + attribute.size() + 2 + whole.size() + 1 <= kMaxParamLine) {
    return absl::StrCat(";\r\n ", attribute, "*=", whole);
  }
  std::string out;
  std::string section = "UTF-8''";
  int number = 0;
  const auto flush = [&] {
    absl::StrAppend(&out, ";\r\n ", attribute, "*", number++, "*=", section);
    section.clear();
  };
  for (const std::string& e : encoded) {
    const size_t head = 1 + attribute.size() + 1 + absl::StrCat(number).size() + 2;
    if (!section.empty() && section != "UTF-8''" &&
        head + section.size() + e.size() + 1 > kMaxParamLine) {
      flush();
    }
    section += e;
  }
  flush();
  return out;
}

// The message's text: multipart/alternative with both bodies, or the one given.
std::string Body(const OutgoingMessage& m) {
  if (!m.html.empty() && !m.text.empty()) {
    const std::string boundary = Boundary("", m.message_id);
    return absl::StrCat("Content-Type: multipart/alternative", Parameter("boundary", boundary),
                        "\r\n\r\n--", boundary, "\r\n", Part("text/plain", m.text), "--", boundary,
                        "\r\n", Part("text/html", m.html), "--", boundary, "--\r\n");
  }
  if (!m.html.empty()) return Part("text/html", m.html);
  return Part("text/plain", m.text);
}

// What the recipient sees as the file's name: no control character, no path.
std::string CleanFilename(absl::string_view filename) {
  std::string name = SanitizeHeaderValue(filename);
  for (char& c : name) {
    if (c == '/' || c == '\\') c = '_';
  }
  name = std::string(absl::StripAsciiWhitespace(name));
  return name.empty() ? "attachment" : name;
}

std::string AttachmentPart(const Attachment& a) {
  std::string type = mail::NormalizeMediaType(a.content_type);
  if (type.empty()) type = "application/octet-stream";
  const std::string filename = CleanFilename(a.filename);
  return absl::StrCat("Content-Type: ", type, Parameter("name", filename),
                      "\r\nContent-Disposition: attachment", Parameter("filename", filename),
                      "\r\nContent-Transfer-Encoding: base64\r\n\r\n", PartBody(a.content));
}

}  // namespace

std::string BuildMime(const OutgoingMessage& m, const std::string& from, absl::Time date) {
  std::string out = absl::StrCat(
      EncodeMailboxField("From", m.from.empty() ? from : m.from),
      EncodeMailboxField("To", m.address), EncodeUnstructuredField("Subject", m.subject),
      "Date: ", absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", date, absl::UTCTimeZone()),
      "\r\nMessage-ID: ", m.message_id, "\r\n");
  if (!m.reply_to.empty()) absl::StrAppend(&out, EncodeMailboxField("Reply-To", m.reply_to));
  if (!m.list_unsubscribe.empty()) {
    absl::StrAppend(&out, EncodeStructuredField("List-Unsubscribe", m.list_unsubscribe));
    if (m.list_unsubscribe_post && mail::HasHttpsUri(m.list_unsubscribe)) {
      absl::StrAppend(&out, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
    }
  }
  for (const auto& [name, value] : m.headers) {
    if (mail::CheckHeaderName(name).ok())
      absl::StrAppend(&out, EncodeUnstructuredField(name, value));
  }
  absl::StrAppend(&out, "MIME-Version: 1.0\r\n");
  if (m.attachments.empty()) {
    absl::StrAppend(&out, Body(m));
    return out;
  }
  const std::string boundary = Boundary("mix_", m.message_id);
  absl::StrAppend(&out, "Content-Type: multipart/mixed", Parameter("boundary", boundary),
                  "\r\n\r\n--", boundary, "\r\n", Body(m));
  for (const Attachment& a : m.attachments) {
    absl::StrAppend(&out, "--", boundary, "\r\n", AttachmentPart(a));
  }
  absl::StrAppend(&out, "--", boundary, "--\r\n");
  return out;
}

}  // namespace mc::execution
