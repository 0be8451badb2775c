#include "common/mail/mail_field_checks.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace mc::mail {
namespace {

constexpr absl::string_view kReservedNames[] = {
    "from",
    "to",
    "cc",
    "bcc",
    "sender",
    "reply-to",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "return-path",
    "received",
    "received-spf",
    "dkim-signature",
    "authentication-results",
};
constexpr absl::string_view kReservedPrefixes[] = {"content-", "arc-", "resent-",
                                                   "list-unsubscribe"};

absl::Status Invalid(absl::string_view why) { return absl::InvalidArgumentError(why); }

// C0, DEL and the C1 controls (U+0080 to U+009F as UTF-8).
bool HasControl(absl::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = s[i];
    if (c < 0x20 || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < s.size()) {
      const unsigned char next = s[i + 1];
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

// RFC 5322 atext.
bool IsAtext(unsigned char c) {
  return absl::ascii_isalnum(c) ||
         absl::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != absl::string_view::npos;
}

// RFC 2045 token characters.
bool IsTokenChar(unsigned char c) {
  return c > 0x20 && c < 0x7F &&
         absl::string_view("()<>@,;:\\\"/[]?=").find(c) == absl::string_view::npos;
}

bool IsToken(absl::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

absl::Status CheckDomain(absl::string_view address, absl::string_view domain) {
  if (domain.size() >= 2 && domain.front() == '[' && domain.back() == ']') {
    for (unsigned char c : domain.substr(1, domain.size() - 2)) {
      if (c < 0x21 || c > 0x7E || c == '[' || c == ']' || c == '\\') {
        return Invalid(absl::StrCat("address \"", address, "\": a bad address literal"));
      }
    }
    return absl::OkStatus();
  }
  for (absl::string_view label : absl::StrSplit(domain, '.')) {
    if (label.empty() || label.size() > 63) {
      return Invalid(absl::StrCat("address \"", address,
                                  "\": the domain's labels must be 1 to 63 characters"));
    }
    for (unsigned char c : label) {
      if (!absl::ascii_isalnum(c) && c != '-') {
        return Invalid(absl::StrCat("address \"", address,
                                    "\": the domain may hold only letters, digits, '-' and '.' "
                                    "(an internationalised domain in its xn-- form)"));
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return Invalid(
          absl::StrCat("address \"", address, "\": a domain label begins or ends with '-'"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckAddress(absl::string_view address) {
  if (address.empty()) return Invalid("no address");
  for (unsigned char c : address) {
    if (c >= 0x80) {
      return Invalid(absl::StrCat("address \"", address,
                                  "\": must be ASCII (internationalised addresses are not "
                                  "supported)"));
    }
    if (c == ' ') return Invalid(absl::StrCat("address \"", address, "\": holds a space"));
  }
  if (address.size() > 254) {
    return Invalid(absl::StrCat("address \"", address, "\": longer than 254 characters"));
  }
  const size_t at = address.rfind('@');
  if (at == absl::string_view::npos) {
    return Invalid(absl::StrCat("address \"", address, "\": no '@'"));
  }
  const absl::string_view local = address.substr(0, at);
  const absl::string_view domain = address.substr(at + 1);
  if (local.empty()) return Invalid(absl::StrCat("address \"", address, "\": no local part"));
  if (domain.empty()) return Invalid(absl::StrCat("address \"", address, "\": no domain"));
  if (local.size() > 64) {
    return Invalid(absl::StrCat("address \"", address, "\": a local part over 64 characters"));
  }
  for (absl::string_view atom : absl::StrSplit(local, '.')) {
    bool ok = !atom.empty();
    for (unsigned char c : atom) ok = ok && IsAtext(c);
    if (!ok) {
      return Invalid(absl::StrCat("address \"", address,
                                  "\": the local part may hold letters, digits, dots (not "
                                  "first, last or doubled) and !#$%&'*+-/=?^_`{|}~"));
    }
  }
  return CheckDomain(address, domain);
}

}  // namespace

bool IsReservedHeaderName(absl::string_view name) {
  const std::string lower = absl::AsciiStrToLower(name);
  for (absl::string_view n : kReservedNames) {
    if (lower == n) return true;
  }
  for (absl::string_view p : kReservedPrefixes) {
    if (absl::StartsWith(lower, p)) return true;
  }
  return false;
}

absl::Status CheckHeaderName(absl::string_view name) {
  if (name.empty()) return Invalid("empty header name");
  if (name.size() > kMaxHeaderNameLength) {
    return Invalid(absl::StrCat("header name longer than ", kMaxHeaderNameLength, " characters"));
  }
  for (unsigned char c : name) {
    if (c < 0x21 || c > 0x7E || c == ':') {
      return Invalid(absl::StrCat("header name \"", absl::CHexEscape(name),
                                  "\": only printable ASCII characters, no space and no ':'"));
    }
  }
  if (IsReservedHeaderName(name)) {
    return Invalid(absl::StrCat("header name \"", name,
                                "\" is written by the message itself, not as a custom header"));
  }
  return absl::OkStatus();
}

absl::Status CheckMailbox(absl::string_view mailbox) {
  if (HasControl(mailbox)) return Invalid("mailbox holds a control character (a line break?)");
  const absl::string_view value = absl::StripAsciiWhitespace(mailbox);
  if (value.empty()) return Invalid("empty mailbox");
  if (value.back() == '>') {
    const size_t open = value.rfind('<');
    if (open == absl::string_view::npos) return Invalid("mailbox: '>' without '<'");
    return CheckAddress(value.substr(open + 1, value.size() - open - 2));
  }
  if (value.find_first_of("<>") != absl::string_view::npos) {
    return Invalid("mailbox: write it as Display Name <local@domain> or local@domain");
  }
  return CheckAddress(value);
}

absl::Status CheckListUnsubscribe(absl::string_view value) {
  if (HasControl(value)) return Invalid("List-Unsubscribe holds a control character");
  if (absl::StripAsciiWhitespace(value).empty()) return Invalid("List-Unsubscribe is empty");
  int n = 0;
  for (absl::string_view entry : absl::StrSplit(value, ',')) {
    ++n;
    entry = absl::StripAsciiWhitespace(entry);
    if (entry.size() < 3 || entry.front() != '<' || entry.back() != '>') {
      return Invalid(
          absl::StrCat("List-Unsubscribe: entry ", n, " (\"", entry, "\") is not <URI>"));
    }
    const absl::string_view uri = entry.substr(1, entry.size() - 2);
    for (unsigned char c : uri) {
      if (c < 0x21 || c > 0x7E || c == '<' || c == '>') {
        return Invalid(absl::StrCat("List-Unsubscribe: entry ", n,
                                    ": a URI of printable ASCII without spaces (percent-encode "
                                    "the rest)"));
      }
    }
    const std::string lower = absl::AsciiStrToLower(uri);
    const bool web = (absl::StartsWith(lower, "https://") && lower.size() > 8) ||
                     (absl::StartsWith(lower, "http://") && lower.size() > 7);
    const bool mail = absl::StartsWith(lower, "mailto:") && lower.size() > 7;
    if (!web && !mail) {
      return Invalid(absl::StrCat("List-Unsubscribe: entry ", n, ": an https, http or mailto URI"));
    }
  }
  return absl::OkStatus();
}

bool HasHttpsUri(absl::string_view list_unsubscribe) {
  for (absl::string_view entry : absl::StrSplit(list_unsubscribe, ',')) {
    if (absl::StartsWithIgnoreCase(absl::StripAsciiWhitespace(entry), "<https://")) return true;
  }
  return false;
}

std::string NormalizeMediaType(absl::string_view content_type) {
  std::vector<absl::string_view> pieces = absl::StrSplit(content_type, ';');
  const absl::string_view type = absl::StripAsciiWhitespace(pieces[0]);
  const size_t slash = type.find('/');
  if (slash == absl::string_view::npos || !IsToken(type.substr(0, slash)) ||
      !IsToken(type.substr(slash + 1))) {
    return "";
  }
  std::string out = absl::AsciiStrToLower(type);
  for (size_t i = 1; i < pieces.size(); ++i) {
    const absl::string_view param = absl::StripAsciiWhitespace(pieces[i]);
    const size_t eq = param.find('=');
    if (eq == absl::string_view::npos) continue;
    if (!absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(param.substr(0, eq)), "charset")) {
      continue;
    }
    absl::string_view charset = absl::StripAsciiWhitespace(param.substr(eq + 1));
    if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"') {
      charset = charset.substr(1, charset.size() - 2);
    }
    if (IsToken(charset)) absl::StrAppend(&out, "; charset=", absl::AsciiStrToLower(charset));
    break;
  }
  return out;
}

absl::Status CheckMediaType(absl::string_view content_type) {
  if (NormalizeMediaType(content_type).empty()) {
    return Invalid(absl::StrCat("\"", absl::CHexEscape(content_type),
                                "\" is not a media type (type/subtype, e.g. application/pdf)"));
  }
  return absl::OkStatus();
}

}  // namespace mc::mail
