#include "execution-service/delivery/mime.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "execution-service/delivery/header_encoder.h"

namespace mc::execution {
namespace {

// Base64 in lines of 76 characters.
std::string Base64Lines(const std::string& body) {
  std::string b64 = absl::Base64Escape(body);
  std::string out;
  for (size_t i = 0; i < b64.size(); i += 76) absl::StrAppend(&out, b64.substr(i, 76), "\r\n");
  return out;
}

std::string Part(const char* type, const std::string& body) {
  return absl::StrCat("Content-Type: ", type, "; charset=UTF-8\r\n",
                      "Content-Transfer-Encoding: base64\r\n\r\n", Base64Lines(body));
}

}  // namespace

std::string BuildMime(const OutgoingMessage& m, const std::string& from, absl::Time date) {
  std::string out = absl::StrCat(
      EncodeMailboxField("From", from), EncodeMailboxField("To", m.address),
      EncodeUnstructuredField("Subject", m.subject),
      "Date: ", absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", date, absl::UTCTimeZone()),
      "\r\nMessage-ID: ", m.message_id, "\r\nMIME-Version: 1.0\r\n");
  if (!m.html.empty() && !m.text.empty()) {
    const std::string boundary = absl::StrCat("=_mc_", absl::Base64Escape(m.message_id), "_");
    absl::StrAppend(&out, "Content-Type: multipart/alternative; boundary=\"", boundary,
                    "\"\r\n\r\n--", boundary, "\r\n", Part("text/plain", m.text), "--", boundary,
                    "\r\n", Part("text/html", m.html), "--", boundary, "--\r\n");
  } else if (!m.html.empty()) {
    absl::StrAppend(&out, Part("text/html", m.html));
  } else {
    absl::StrAppend(&out, Part("text/plain", m.text));
  }
  return out;
}

}  // namespace mc::execution
