// ParseBounceReport: one inbound message (the RFC 5322 bytes a bounce listener received) read
// with GMime 3 into plain data: a delivery status notification (RFC 3464), an abuse report
// (ARF, RFC 5965), an automatic reply, or something else. No I/O, no policy: what a recipient's
// status means is dsn_classification.h's, which event it concerns is the caller's (the
// envelope recipient, or original.return_path, decoded with verp.h).
//
// Kinds, first match wins:
//   kArf    a message/feedback-report part anywhere in the MIME tree (normally in a
//           multipart/report; report-type=feedback-report): `feedback` holds its fields.
//   kDsn    a message/delivery-status (or RFC 6533 message/global-delivery-status) part:
//           reporting_mta and one DsnRecipient per per-recipient block, in order. When the part
//           yields no recipient, or there is none but From is a mailer daemon (a local part of
//           MAILER-DAEMON, postmaster, mailer_daemon or mail-daemon, any case) and the text holds
//           a 4.x.x or 5.x.x enhanced status code, the recipient is read from the text, best
//           effort (`from_text` is set; old qmail, Exchange and Sendmail bounces): status, the
//           first 4/5 code in the first text/plain part; diagnostic, its line and the indented
//           lines after it; the address, X-Failed-Recipients if present, else the first address
//           on the code's line, else the nearest one on the lines before it (qmail's
//           "<user@host>:"), else the first in the text, never the bounce's own To or From;
//           action, "failed" for 5, "delayed" for 4.
//   kAutoReply an automatic reply (out of office, vacation): Auto-Submitted other than "no",
//           X-Autoreply or X-Autorespond, Precedence auto_reply, bulk or junk, or a subject
//           starting "Automatic reply", "Auto:", "Autoreply", "Auto-Reply", "Auto Reply", "Out
//           of Office" or "Vacation" (any case). DSNs carry Auto-Submitted too: they are
//           recognised first.
//   kUnrecognised anything else that is a message.
// For every kind, `original` holds the headers of the returned message when the report
// includes it: the first message/rfc822 (or message/global) part, else the first
// text/rfc822-headers (or message/global-headers) part, else, for a text bounce, what follows a
// line such as "--- Below this line is a copy of the message." (qmail), "------ This is a copy
// of the message, including all the headers. ------" (Exim) or "----- Original message
// follows -----"; the returned message's own parts are never searched (a bounce of a bounce
// reports the outer one).
//
// Text: every string is valid UTF-8 (header values decoded by GMime, RFC 2047 and 8-bit
// fallbacks; bodies from their charset; any invalid byte left becomes U+FFFD), control
// characters and runs of white space become one space, trimmed; addresses lose their <> and
// their type ("rfc822;"), Remote-MTA and Reporting-MTA their "dns;", Diagnostic-Code its
// "smtp;" (and a multiline SMTP reply's repeated "550-5.1.1" prefixes); Action is lowercase,
// Status is the code alone ("5.1.1") when it parses. Reasons (diagnostics) are cut at
// kMaxReasonChars code points, other fields at kMaxFieldChars.
//
// Limits and failure modes: RESOURCE_EXHAUSTED for a message over limits.max_message_bytes
// (checked first, nothing parsed); INVALID_ARGUMENT for empty input or bytes GMime cannot read
// as a message at all. Anything else parses: garbage, a truncated message, a broken MIME tree
// give what could be read (at worst kUnrecognised). At most limits.max_recipients recipients
// are read (recipients_truncated says when more were there), at most limits.max_parts MIME
// parts visited and the tree followed kMaxDepth levels deep (GMime itself stops at 512).
//
// GMime is initialised once per process, on first use (std::call_once; g_mime_init, never
// shut down). Thread-safe: each call parses its own objects.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace mc::execution {

inline constexpr size_t kMaxReasonChars = 1000;
inline constexpr size_t kMaxFieldChars = 1000;
inline constexpr int kMaxDepth = 32;

enum class ReportKind { kDsn, kArf, kAutoReply, kUnrecognised };

struct DsnRecipient {
  std::string final_recipient;     // the address
  std::string original_recipient;  // the address, when the DSN gives one
  std::string action;              // "failed", "delayed", "delivered", "relayed", "expanded"
  std::string status;              // "5.1.1"
  std::string diagnostic;          // "550 5.1.1 <x@y>: Recipient address rejected: ..."
  std::string remote_mta;          // "mx.example.org"
};

struct FeedbackReport {
  std::string feedback_type;  // lowercase: "abuse", "fraud", "not-spam", ...
  std::string user_agent;
  std::string version;
  std::string original_rcpt_to;    // the first, an address
  std::string original_mail_from;  // an address
  std::string arrival_date;
  std::string source_ip;
  std::string reported_domain;
};

struct OriginalHeaders {
  bool present = false;
  std::string return_path;  // an address
  std::string message_id;   // without <>
  std::string to;           // the first address, else the header's text
  std::string from;         // the first address, else the header's text
  std::string subject;
};

struct BounceReport {
  ReportKind kind = ReportKind::kUnrecognised;
  bool from_text = false;  // kDsn read from a text bounce (best effort)
  // The report itself.
  std::string from;  // the first address of From
  std::string to;    // the first address of To
  std::string subject;
  std::string message_id;                      // without <>
  std::vector<std::string> failed_recipients;  // X-Failed-Recipients (Exim, Gmail)
  // kDsn
  std::string reporting_mta;
  std::vector<DsnRecipient> recipients;
  bool recipients_truncated = false;
  // kArf
  FeedbackReport feedback;
  // Any kind.
  OriginalHeaders original;
};

struct BounceParseLimits {
  size_t max_message_bytes = size_t{10} << 20;
  size_t max_recipients = 100;
  size_t max_parts = 500;
};

[[nodiscard]] absl::StatusOr<BounceReport> ParseBounceReport(absl::string_view raw,
                                                             const BounceParseLimits& limits = {});

// "dsn", "arf", "auto_reply", "unrecognised".
absl::string_view ReportKindName(ReportKind kind);

}  // namespace mc::execution
