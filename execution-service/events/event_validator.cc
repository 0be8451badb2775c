#include "execution-service/events/event_validator.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/text/utf8.h"

namespace mc::execution {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

bool IsAtomChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::string_view("!#$%&'*+/=?^_`{|}~-").find(c) != absl::string_view::npos;
}

bool ValidType(absl::string_view t) {
  if (t.empty() || !absl::ascii_isalpha(static_cast<unsigned char>(t[0]))) {
    return false;
  }
  for (char c : t) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

// How a text field's length is counted: characters (Unicode code points) for text a person
// writes, octets where a standard counts them (an email address, RFC 5321; ASCII anyway).
enum class Unit { kCharacters, kOctets };

struct TextLimit {
  absl::string_view field;
  absl::string_view value;
  size_t max;
  Unit unit;
};

absl::Status CheckText(const TextLimit& t) {
  const bool octets = t.unit == Unit::kOctets;
  if ((octets ? t.value.size() : text::CodePoints(t.value)) > t.max) {
    return Invalid(t.field,
                   absl::StrCat("longer than ", t.max, octets ? " octets" : " characters"));
  }
  if (t.value.find('\0') != absl::string_view::npos) {
    return Invalid(t.field, "contains a NUL character");
  }
  return absl::OkStatus();
}

}  // namespace

bool IsValidEmail(absl::string_view email) {
  if (email.size() > 254) return false;
  size_t at = email.find('@');
  if (at == absl::string_view::npos || at == 0 ||
      email.find('@', at + 1) != absl::string_view::npos) {
    return false;
  }
  absl::string_view local = email.substr(0, at);
  absl::string_view domain = email.substr(at + 1);
  if (local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != absl::string_view::npos) {
    return false;
  }
  for (char c : local) {
    if (!IsAtomChar(c) && c != '.') return false;
  }
  if (domain.empty() || domain.size() > 253 || domain.find('.') == absl::string_view::npos) {
    return false;
  }
  size_t start = 0;
  while (start <= domain.size()) {
    size_t dot = domain.find('.', start);
    absl::string_view label = domain.substr(
        start, dot == absl::string_view::npos ? absl::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
    if (dot == absl::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

std::string NormalisePhone(absl::string_view phone) {
  std::string out;
  for (size_t i = 0; i < phone.size(); ++i) {
    char c = phone[i];
    if (c == '+' && out.empty() && i == phone.find_first_not_of(' ')) {
      out.push_back('+');
    } else if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      out.push_back(c);
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return "";
    }
  }
  size_t digits = out.size() - (out.rfind('+', 0) == 0 ? 1 : 0);
  if (digits < 6 || digits > 15) return "";
  return out;
}

absl::string_view FieldOf(absl::string_view message) {
  size_t colon = message.find(':');
  if (colon == absl::string_view::npos) return "";
  absl::string_view field = message.substr(0, colon);
  for (char c : field) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') return "";
  }
  return field;
}

absl::Status ValidateEvent(NewEvent& e, const IngestLimits& limits) {
  if (e.type.empty()) return Invalid("type", "required");
  if (text::CodePoints(e.type) > 64) return Invalid("type", "longer than 64 characters");
  if (!ValidType(e.type)) {
    return Invalid("type",
                   "must start with a letter and hold only letters, digits, '_', '-' or '.'");
  }
  if (!IsKnownChannel(e.wished_channel)) {
    return Invalid("wished_channel", absl::StrCat("unknown channel value ", e.wished_channel,
                                                  " (email = 0, SMS = 1, iOS = 41, Android = 42)"));
  }
  for (const TextLimit& t : {TextLimit{"external_id", e.external_id, 255, Unit::kCharacters},
                             {"origin", e.origin, 255, Unit::kCharacters},
                             {"language", e.language, 35, Unit::kCharacters},
                             {"country", e.country, 35, Unit::kCharacters},
                             {"device_token", e.device_token, 4096, Unit::kCharacters},
                             {"email", e.email, 254, Unit::kOctets},
                             {"mobile_phone", e.mobile_phone, 64, Unit::kCharacters}}) {
    if (absl::Status s = CheckText(t); !s.ok()) return s;
  }
  if (!e.email.empty() && !IsValidEmail(e.email)) {
    return Invalid("email", absl::StrCat("'", e.email, "' is not a valid email address"));
  }
  if (!e.mobile_phone.empty()) {
    std::string normalised = NormalisePhone(e.mobile_phone);
    if (normalised.empty()) {
      return Invalid("mobile_phone",
                     absl::StrCat("'", e.mobile_phone,
                                  "' is not a phone number (optional '+', then 6 to 15 digits)"));
    }
    e.mobile_phone = std::move(normalised);
  }
  switch (static_cast<Channel>(e.wished_channel)) {
    case Channel::kEmail:
      if (e.email.empty()) return Invalid("email", "required for the email channel");
      break;
    case Channel::kSms:
      if (e.mobile_phone.empty()) return Invalid("mobile_phone", "required for the SMS channel");
      break;
    case Channel::kIos:
    case Channel::kAndroid:
      if (e.device_token.empty()) {
        return Invalid("device_token", "required for the iOS and Android channels");
      }
      break;
  }
  if (e.email_format < 0 || e.email_format > 2) {
    return Invalid("email_format",
                   absl::StrCat("unknown value ", e.email_format, " (0 unknown, 1 text, 2 HTML)"));
  }
  if (e.scheduled && e.expiration && *e.expiration < *e.scheduled) {
    return Invalid("expiration",
                   absl::StrCat("expiration ", absl::FormatTime(*e.expiration),
                                " is before scheduled ", absl::FormatTime(*e.scheduled)));
  }
  if (e.ctx_json.size() > limits.max_ctx_bytes) {
    return Invalid("ctx", absl::StrCat("too large: ", e.ctx_json.size(), " bytes as JSON, limit ",
                                       limits.max_ctx_bytes, " bytes"));
  }
  if (e.ctx_json.empty() || e.ctx_json.front() != '{') {
    return Invalid("ctx", "must be a JSON object");
  }
  if (e.ctx_json.find("\\u0000") != std::string::npos) {
    return Invalid("ctx", "contains a NUL character");
  }
  return absl::OkStatus();
}

absl::Status ValidateEventFilter(const EventFilter& f) {
  for (const TextLimit& t : {TextLimit{"address", f.address, 254, Unit::kOctets},
                             TextLimit{"external_id", f.external_id, 255, Unit::kCharacters},
                             TextLimit{"template_name", f.template_name, 64, Unit::kCharacters}}) {
    if (absl::Status s = CheckText(t); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace mc::execution
