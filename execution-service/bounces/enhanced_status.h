// RFC 3463 enhanced mail system status codes ("5.1.1": class.subject.detail): parsing a DSN's
// Status field, and finding a code in free text (a Diagnostic-Code, an old-style bounce's
// body, where it follows the SMTP reply code: "550 5.1.1 ...", "550-5.1.1 ...", or stands in
// qmail's "(#5.1.1)").
//
// ParseEnhancedStatus: the code at the start of the text (leading spaces skipped; the code may
// be followed by the end, a space, one of ( ) ; , : or a sentence's final dot, as in "5.1.1
// (bad destination mailbox address)"); nullopt for anything else: no code, a class other than
// 2, 4 or 5, a subject or detail with more than 3 digits, "5.1", "5.1.1.1" or "5.1.1x".
// FindEnhancedStatus: the first code in the text standing as a word (not part of a version
// number or an IP address such as "10.5.1.1"), with the same rules; `at`, when given, gets
// its offset. Pure, thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace mc::execution {

struct EnhancedStatus {
  int klass = 0;  // 2 success, 4 persistent transient failure, 5 permanent failure
  int subject = 0;
  int detail = 0;

  std::string ToString() const;  // "5.1.1"
  bool operator==(const EnhancedStatus&) const = default;
};

std::optional<EnhancedStatus> ParseEnhancedStatus(absl::string_view text);
std::optional<EnhancedStatus> FindEnhancedStatus(absl::string_view text, size_t* at = nullptr);

// The basic SMTP reply code (RFC 5321: "550", "452") at the start of the text, or nullopt.
std::optional<int> ParseSmtpReplyCode(absl::string_view text);

}  // namespace mc::execution
