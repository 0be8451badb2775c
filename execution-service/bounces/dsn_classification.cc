#include "execution-service/bounces/dsn_classification.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"

namespace mc::execution {
namespace {

constexpr absl::string_view kNamesAddress[] = {
    "user unknown",        "unknown user",
    "no such user",        "user not found",
    "unknown recipient",   "recipient unknown",
    "recipient not found", "recipientnotfound",
    "no such recipient",   "invalid recipient",
    "recipient rejected",  "no such mailbox",
    "mailbox not found",   "does not exist",
    "doesn't exist",       "no mailbox here by that name",
    "unrouteable address", "account disabled",
    "account is disabled", "account has been disabled",
    "mailbox disabled",    "mailbox is disabled",
};
constexpr absl::string_view kSpeaksOfSender[] = {"sender", "mail from", "return path",
                                                 "return-path"};
constexpr absl::string_view kMailboxFull[] = {"mailbox full", "mailbox is full", "quota",
                                              "insufficient storage", "out of storage"};

// Lowercase, every run of white space one space.
std::string Normalised(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (absl::string_view word :
       absl::StrSplit(text, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty())) {
    if (!out.empty()) out += ' ';
    out.append(word.data(), word.size());
  }
  absl::AsciiStrToLower(&out);
  return out;
}

bool ContainsAny(absl::string_view text, absl::Span<const absl::string_view> needles) {
  for (absl::string_view n : needles) {
    if (absl::StrContains(text, n)) return true;
  }
  return false;
}

DsnClassification Hard(absl::string_view rule, bool quarantine, std::optional<EnhancedStatus> s) {
  return {BounceSeverity::kHard, quarantine, s, rule};
}
DsnClassification Soft(absl::string_view rule, std::optional<EnhancedStatus> s) {
  return {BounceSeverity::kSoft, false, s, rule};
}

// A "text" row: hard, quarantined when the text names the address, soft when it says the
// mailbox is full (if `full_is_soft`).
DsnClassification ByText(absl::string_view rule, absl::string_view diagnostic, bool full_is_soft,
                         const EnhancedStatus& s) {
  if (DiagnosticNamesAddress(diagnostic)) return Hard(rule, true, s);
  if (full_is_soft && DiagnosticSaysMailboxFull(diagnostic)) return Soft(rule, s);
  return Hard(rule, false, s);
}

DsnClassification ClassifyPermanent(const EnhancedStatus& s, absl::string_view diagnostic) {
  switch (s.subject) {
    case 1:
      switch (s.detail) {
        case 1:
          return Hard("5.1.1 bad destination mailbox", true, s);
        case 2:
          return Hard("5.1.2 bad destination system", true, s);
        case 3:
          return Hard("5.1.3 bad destination address syntax", true, s);
        case 6:
          return Hard("5.1.6 destination mailbox has moved", true, s);
        case 10:
          return Hard("5.1.10 recipient domain has a null MX", true, s);
        case 7:
        case 8:
          return Hard("5.1.7, 5.1.8 bad sender address", false, s);
        default:
          return ByText("5.1.x other address status", diagnostic, false, s);
      }
    case 2:
      switch (s.detail) {
        case 1:
          return Hard("5.2.1 mailbox disabled", true, s);
        case 2:
          return Soft("5.2.2 mailbox full", s);
        case 3:
          return Hard("5.2.3 message too large", false, s);
        default:
          return ByText("5.2.x other mailbox status", diagnostic, true, s);
      }
    case 3:
      if (s.detail == 1) return Soft("5.3.1 mail system full", s);
      return Hard("5.3.x destination mail system", false, s);
    case 4:
      switch (s.detail) {
        case 3:
          return Soft("5.4.3 directory server failure", s);
        case 4:
          return Hard("5.4.4 unable to route", true, s);
        case 7:
          return Soft("5.4.7 delivery time expired", s);
        default:
          return Hard("5.4.x network and routing", false, s);
      }
    case 5:
      return ByText("5.5.x protocol", diagnostic, true, s);
    case 6:
      return Hard("5.6.x content or media", false, s);
    case 7:
      if (s.detail == 13) return Hard("5.7.13 user account disabled", true, s);
      return ByText("5.7.x security or policy", diagnostic, false, s);
    default:
      return ByText("5.x.x other", diagnostic, true, s);
  }
}

// The code the table reads: the Status field's, made precise by the diagnostic's when the
// field is generic; the diagnostic's when the field has none.
std::optional<EnhancedStatus> EffectiveStatus(absl::string_view status,
                                              absl::string_view diagnostic) {
  const std::optional<EnhancedStatus> field = ParseEnhancedStatus(status);
  const std::optional<EnhancedStatus> text = FindEnhancedStatus(diagnostic);
  if (!field) return text;
  if (text && text->klass == field->klass && *text != *field && field->detail == 0 &&
      (field->subject == 0 || text->subject == field->subject)) {
    return text;
  }
  return field;
}

}  // namespace

bool DiagnosticNamesAddress(absl::string_view diagnostic) {
  const std::string text = Normalised(diagnostic);
  return ContainsAny(text, kNamesAddress) && !ContainsAny(text, kSpeaksOfSender);
}

bool DiagnosticSaysMailboxFull(absl::string_view diagnostic) {
  return ContainsAny(Normalised(diagnostic), kMailboxFull);
}

DsnClassification ClassifyDsn(absl::string_view action, absl::string_view status,
                              absl::string_view diagnostic) {
  const std::string a = absl::AsciiStrToLower(absl::StripAsciiWhitespace(action));
  if (a == "delivered" || a == "relayed" || a == "expanded") {
    return {BounceSeverity::kIgnore, false, ParseEnhancedStatus(status),
            "action delivered, relayed, expanded"};
  }
  const std::optional<EnhancedStatus> s = EffectiveStatus(status, diagnostic);
  if (a == "delayed") return Soft("action delayed", s);
  if (s) {
    if (s->klass == 2) return {BounceSeverity::kIgnore, false, s, "2.x.x success"};
    if (s->klass == 4) return Soft("4.x.x transient", s);
    return ClassifyPermanent(*s, diagnostic);
  }
  if (DiagnosticNamesAddress(diagnostic)) {
    return Hard("no code; the diagnostic names the address", true, std::nullopt);
  }
  if (DiagnosticSaysMailboxFull(diagnostic)) {
    return Soft("no code; the diagnostic says the mailbox is full", std::nullopt);
  }
  if (std::optional<int> reply = ParseSmtpReplyCode(diagnostic)) {
    if (*reply >= 500) return Hard("no code; a 5xx reply", false, std::nullopt);
    if (*reply >= 400) return Soft("no code; a 4xx reply", std::nullopt);
  }
  return Soft("no code", std::nullopt);
}

absl::string_view BounceSeverityName(BounceSeverity severity) {
  switch (severity) {
    case BounceSeverity::kHard:
      return "hard";
    case BounceSeverity::kSoft:
      return "soft";
    case BounceSeverity::kIgnore:
      return "ignore";
  }
  return "soft";
}

}  // namespace mc::execution
