#include "common/personalisation/template_validation.h"

#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/mail/mail_field_checks.h"
#include "common/personalisation/channel.h"
#include "common/personalisation/compiled_template.h"
#include "common/text/utf8.h"

namespace mc::personalisation {
namespace {

bool ValidName(const std::string& s) {
  if (s.empty() || !absl::ascii_isalpha(static_cast<unsigned char>(s[0]))) {
    return false;
  }
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

absl::Status CheckName(absl::string_view field, const std::string& value) {
  if (text::CodePoints(value) > 64) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": longer than 64 characters"));
  }
  if (!ValidName(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": required; a letter then letters, digits, '_', '-' or '.'"));
  }
  return absl::OkStatus();
}

absl::Status ValidateFields(const TemplateContent& c) {
  if (absl::Status s = CheckName("internal_name", c.internal_name); !s.ok()) return s;
  if (absl::Status s = CheckName("event_type", c.event_type); !s.ok()) return s;
  if (text::CodePoints(c.label) > 255) {
    return absl::InvalidArgumentError("label: longer than 255 characters");
  }
  if (!IsKnownChannel(c.channel)) {
    return absl::InvalidArgumentError(absl::StrCat("channel: unknown value ", c.channel));
  }
  if (c.version <= 0) return absl::InvalidArgumentError("version: must be positive");
  if (c.channel == static_cast<int>(Channel::kEmail)) {
    if (c.subject.empty()) return absl::InvalidArgumentError("subject: required for email");
    if (c.html_body.empty() && c.text_body.empty()) {
      return absl::InvalidArgumentError("html_body: an HTML or a text body is required for email");
    }
  } else if (c.channel == static_cast<int>(Channel::kSms) && c.sms_text.empty()) {
    return absl::InvalidArgumentError("sms_text: required for SMS");
  }
  return absl::OkStatus();
}

absl::Status Invalid(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

bool IsEmail(const TemplateContent& c) { return c.channel == static_cast<int>(Channel::kEmail); }

bool IsPersonalised(absl::string_view value) { return absl::StrContains(value, "<%"); }

// `value` compiled as a subject is (the same rules), its fault named `field`.
absl::Status CheckAsSubject(absl::string_view field, const std::string& value) {
  TemplateContent probe;
  probe.subject = value;
  const absl::Status s = CompiledTemplate::Compile(probe).status();
  if (s.ok()) return s;
  absl::string_view why = s.message();
  absl::ConsumePrefix(&why, "subject: ");
  return Invalid(field, why);
}

// A primary tag of 2 to 8 letters, optionally "-" and a region of 2 letters or 3 digits.
bool IsLanguageTag(absl::string_view tag) {
  const size_t dash = tag.find('-');
  const absl::string_view primary = tag.substr(0, dash);
  if (primary.size() < 2 || primary.size() > 8) return false;
  for (char c : primary) {
    if (!absl::ascii_isalpha(static_cast<unsigned char>(c))) return false;
  }
  if (dash == absl::string_view::npos) return true;
  const absl::string_view region = tag.substr(dash + 1);
  if (region.size() == 2) {
    return absl::ascii_isalpha(static_cast<unsigned char>(region[0])) &&
           absl::ascii_isalpha(static_cast<unsigned char>(region[1]));
  }
  return region.size() == 3 && absl::ascii_isdigit(static_cast<unsigned char>(region[0])) &&
         absl::ascii_isdigit(static_cast<unsigned char>(region[1])) &&
         absl::ascii_isdigit(static_cast<unsigned char>(region[2]));
}

absl::Status CheckLanguage(absl::string_view field, const std::string& tag) {
  if (IsLanguageTag(tag)) return absl::OkStatus();
  return Invalid(field, absl::StrCat("\"", tag,
                                     "\" is not a language: a BCP 47 primary tag of 2 to 8 "
                                     "letters, optionally '-' and a region (fr, pt-BR, es-419)"));
}

// The parts of one variant, with the rules of the template's own parts.
absl::Status CheckVariantParts(const TemplateContent& c, const TemplateVariant& v) {
  const std::string prefix = absl::StrCat("variants[", v.language, "].");
  if (IsEmail(c)) {
    if (v.subject.empty()) return Invalid(prefix + "subject", "required for email");
    if (v.html_body.empty() && v.text_body.empty()) {
      return Invalid(prefix + "html_body", "an HTML or a text body is required for email");
    }
  } else if (c.channel == static_cast<int>(Channel::kSms) && v.sms_text.empty()) {
    return Invalid(prefix + "sms_text", "required for SMS");
  }
  TemplateContent probe{.channel = c.channel,
                        .subject = v.subject,
                        .html_body = v.html_body,
                        .text_body = v.text_body,
                        .sms_text = v.sms_text};
  const absl::Status s = CompiledTemplate::Compile(probe).status();
  if (s.ok()) return s;
  return absl::InvalidArgumentError(absl::StrCat(prefix, s.message()));
}

absl::Status ValidateLanguages(const TemplateContent& c) {
  if (!c.default_language.empty()) {
    if (absl::Status s = CheckLanguage("default_language", c.default_language); !s.ok()) return s;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < c.variants.size(); ++i) {
    const std::string field = absl::StrCat("variants[", i, "].language");
    const std::string& language = c.variants[i].language;
    if (absl::Status s = CheckLanguage(field, language); !s.ok()) return s;
    if (absl::EqualsIgnoreCase(language, c.default_language)) {
      return Invalid(field, absl::StrCat("\"", language,
                                         "\" is the default_language: the template's own parts "
                                         "are that language's"));
    }
    if (!seen.insert(absl::AsciiStrToLower(language)).second) {
      return Invalid(field, absl::StrCat("\"", language, "\" has a variant already"));
    }
  }
  for (const TemplateVariant& v : c.variants) {
    if (absl::Status s = CheckVariantParts(c, v); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// A mailbox when written out; personalised, as a subject (its result is checked when sent).
absl::Status CheckMailboxField(absl::string_view field, const std::string& value) {
  if (value.empty()) return absl::OkStatus();
  if (IsPersonalised(value)) return CheckAsSubject(field, value);
  const absl::Status s = mail::CheckMailbox(value);
  return s.ok() ? s : Invalid(field, s.message());
}

absl::Status ValidateSender(const TemplateContent& c) {
  const TemplateSender& s = c.sender;
  const bool any = !s.from.empty() || !s.reply_to.empty() || !s.headers.empty() ||
                   !s.list_unsubscribe.empty() || s.list_unsubscribe_post;
  if (any && !IsEmail(c)) return Invalid("sender", "only email templates have sender fields");
  if (absl::Status st = CheckMailboxField("sender.from", s.from); !st.ok()) return st;
  if (absl::Status st = CheckMailboxField("sender.reply_to", s.reply_to); !st.ok()) return st;
  if (s.headers.size() > kMaxHeaders) {
    return Invalid("sender.headers",
                   absl::StrCat("at most ", kMaxHeaders, " (", s.headers.size(), " given)"));
  }
  for (size_t i = 0; i < s.headers.size(); ++i) {
    const std::string field = absl::StrCat("sender.headers[", i, "]");
    if (absl::Status st = mail::CheckHeaderName(s.headers[i].name); !st.ok()) {
      return Invalid(field + ".name", st.message());
    }
    if (absl::Status st = CheckAsSubject(field + ".value", s.headers[i].value); !st.ok()) {
      return st;
    }
  }
  if (IsPersonalised(s.list_unsubscribe)) {
    if (absl::Status st = CheckAsSubject("sender.list_unsubscribe", s.list_unsubscribe); !st.ok()) {
      return st;
    }
  } else if (!s.list_unsubscribe.empty()) {
    if (absl::Status st = mail::CheckListUnsubscribe(s.list_unsubscribe); !st.ok()) {
      return Invalid("sender.list_unsubscribe", st.message());
    }
  }
  if (s.list_unsubscribe_post && !mail::HasHttpsUri(s.list_unsubscribe)) {
    return Invalid("sender.list_unsubscribe_post",
                   "one-click (RFC 8058) needs an https URI in list_unsubscribe");
  }
  return absl::OkStatus();
}

bool IsKeyPath(absl::string_view path) {
  for (absl::string_view key : absl::StrSplit(path, '.')) {
    if (key.empty()) return false;
    for (char c : key) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
        return false;
      }
    }
  }
  return !path.empty();
}

absl::Status CheckAttachmentUrl(absl::string_view field, absl::string_view url) {
  if (url.size() > kMaxAttachmentUrlLength) {
    return Invalid(field, absl::StrCat("longer than ", kMaxAttachmentUrlLength, " characters"));
  }
  if (!absl::StartsWithIgnoreCase(url, "https://") || url.size() == 8) {
    return Invalid(field, "an https:// URL");
  }
  for (unsigned char c : url) {
    if (c < 0x21 || c > 0x7E || c == '<' || c == '>' || c == '"') {
      return Invalid(field, "printable ASCII without spaces (percent-encode the rest)");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckAttachment(absl::string_view field, const TemplateAttachment& a) {
  if (a.url.empty() == a.ctx_path.empty()) return Invalid(field, "exactly one of url and ctx_path");
  if (!a.url.empty()) {
    if (absl::Status s = CheckAttachmentUrl(absl::StrCat(field, ".url"), a.url); !s.ok()) return s;
  } else if (a.ctx_path.size() > 255 || !IsKeyPath(a.ctx_path)) {
    return Invalid(absl::StrCat(field, ".ctx_path"),
                   absl::StrCat("\"", a.ctx_path,
                                "\" is not a dotted path of keys (letters, digits, '_' and '-': "
                                "invoice.pdf), at most 255 characters"));
  }
  if (text::CodePoints(a.filename) > 255) {
    return Invalid(absl::StrCat(field, ".filename"), "longer than 255 characters");
  }
  for (unsigned char c : a.filename) {
    if (c < 0x20 || c == 0x7F || c == '/' || c == '\\') {
      return Invalid(absl::StrCat(field, ".filename"),
                     "a name without control characters, '/' or '\\'");
    }
  }
  if (!a.content_type.empty()) {
    if (absl::Status s = mail::CheckMediaType(a.content_type); !s.ok()) {
      return Invalid(absl::StrCat(field, ".content_type"), s.message());
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateAttachments(const TemplateContent& c) {
  if (c.attachments.empty()) return absl::OkStatus();
  if (!IsEmail(c)) return Invalid("attachments", "only email templates have attachments");
  if (c.attachments.size() > kMaxAttachments) {
    return Invalid("attachments", absl::StrCat("at most ", kMaxAttachments, " (",
                                               c.attachments.size(), " given)"));
  }
  for (size_t i = 0; i < c.attachments.size(); ++i) {
    const std::string field = absl::StrCat("attachments[", i, "]");
    if (absl::Status s = CheckAttachment(field, c.attachments[i]); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status ValidateBlocks(const TemplateContent& c) {
  for (size_t i = 0; i < c.blocks.size(); ++i) {
    const std::string field = absl::StrCat("blocks[", i, "]");
    if (absl::Status s = CheckName(field + ".name", c.blocks[i].name); !s.ok()) return s;
    if (c.blocks[i].version <= 0) return Invalid(field + ".version", "must be positive");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateTemplate(const TemplateContent& content) {
  if (absl::Status s = ValidateFields(content); !s.ok()) return s;
  if (absl::Status s = CompiledTemplate::Compile(content).status(); !s.ok()) return s;
  if (absl::Status s = ValidateLanguages(content); !s.ok()) return s;
  if (absl::Status s = ValidateSender(content); !s.ok()) return s;
  if (absl::Status s = ValidateAttachments(content); !s.ok()) return s;
  return ValidateBlocks(content);
}

absl::Status ValidateName(absl::string_view field, const std::string& value) {
  return CheckName(field, value);
}

}  // namespace mc::personalisation
