// ParseBounceReport: what one message that came back to a return path says, read with GMime 3
// (a real MIME parser: transfer encodings, RFC 2047 words, folded fields, nested parts). Pure:
// no I/O beyond memory, no knowledge of events or addresses; the bounce processor decides what
// the report does (inbound/bounce_processor.h).
//
// What is read, by the shape of the message (the first match wins):
//  - kDsn: a multipart/report (RFC 6522) whose report-type is delivery-status, or any message
//    holding a message/delivery-status (or message/global-delivery-status, RFC 6533) part
//    (Exchange and Gmail nest it inside multipart/mixed or /alternative): its field groups
//    (RFC 3464): the per-message group (Reporting-MTA) and one DsnRecipient per recipient
//    group (Final-Recipient, Original-Recipient, Action, Status, Diagnostic-Code).
//  - kComplaint: a multipart/report whose report-type is feedback-report, or any message
//    holding a message/feedback-report part (ARF, RFC 5965): Feedback-Type, Original-Mail-From,
//    Original-Rcpt-To, Reported-Domain.
//  - kAutoReply: not a report, not sent by a mail system (From MAILER-DAEMON or postmaster, or
//    an X-Failed-Recipients field), and marked as an automatic reply (Auto-Submitted:
//    auto-replied, RFC 3834; X-Autoreply, X-Autorespond, Precedence auto_reply, or a subject
//    such as "Out of Office", "Automatic reply", "Auto:"): a vacation message, never a failure.
//    (Postfix, Exim, Gmail and Exchange mark their bounces auto-replied too, so a bounce whose
//    report is missing or cut short is told apart by its sender; sendmail's "auto-generated"
//    does not count.)
//  - kUnstructured: not a report, but a bounce by its sender (as above) or subject (subjects
//    such as "failure notice" (qmail), "Undelivered Mail", "Undeliverable", "Delivery Status
//    Notification", "Returned mail", "Mail delivery failed"): one DsnRecipient whose
//    diagnostic is the paragraph of its text that carries a status code (RFC 3463, or a basic
//    SMTP reply code), else the text's first paragraph; action and status empty (the
//    classification reads the code from the text).
//  - kNotAReport: anything else (a human's reply, spam, garbage that parses as a bare body).
// For every type, the returned original message when there is one (message/rfc822,
// message/global, text/rfc822-headers, message/rfc822-headers: whichever comes first): its
// Message-ID and its Return-Path (the VERP address, when the returning system kept or added it:
// a feedback loop's report carries the complained-of message as delivered, with Return-Path).
//
// Field values are unfolded, RFC 2047-decoded and their runs of white space collapsed to one
// space; address and diagnostic types ("rfc822;", "smtp;") are removed; an address loses its
// <>; Action and Feedback-Type are lowercased. Each value is cut at kMaxFieldChars, the text
// diagnostic at kMaxDiagnosticChars, and at most kMaxRecipients recipient groups are kept.
//
// Limits on what a sender controls: the message is at most `max_bytes` (beyond: INVALID_ARGUMENT
// without parsing), parts nested at most kMaxDepth deep and at most kMaxParts parts are looked
// at (the rest is ignored). Failure modes: INVALID_ARGUMENT for an empty or oversized message or
// one GMime cannot parse as a message at all; nothing else (a broken report is kNotAReport or a
// report with empty fields, never a crash). Thread-safe: each call has its own parser (GMime is
// initialised once per process, on first use).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace mc::execution {

enum class ReportType { kDsn, kComplaint, kAutoReply, kUnstructured, kNotAReport };

struct DsnRecipient {
  std::string final_recipient;     // "bob@example.test" (Final-Recipient without "rfc822;")
  std::string original_recipient;  // Original-Recipient, likewise; often empty
  std::string action;              // "failed", "delayed", "delivered", "relayed", "expanded"
  std::string status;              // "5.1.1" as written (the classification checks it)
  std::string diagnostic;          // Diagnostic-Code without "smtp;", else the text's words
};

struct BounceReport {
  ReportType type = ReportType::kNotAReport;
  std::string reporting_mta;             // DSN: Reporting-MTA without "dns;"
  std::vector<DsnRecipient> recipients;  // kDsn: one per recipient group; kUnstructured: one
  std::string feedback_type;             // kComplaint: "abuse", "fraud", "virus", "other", ...
  std::string original_mail_from;        // kComplaint: Original-Mail-From
  std::string original_rcpt_to;          // kComplaint: Original-Rcpt-To
  std::string original_message_id;       // the returned message's Message-ID, without <>
  std::string original_return_path;      // the returned message's Return-Path, without <>
  std::string subject;                   // the report's own Subject
};

inline constexpr size_t kMaxFieldChars = 1000;
inline constexpr size_t kMaxDiagnosticChars = 1000;
inline constexpr size_t kMaxRecipients = 16;
inline constexpr int kMaxDepth = 8;
inline constexpr int kMaxParts = 64;

[[nodiscard]] absl::StatusOr<BounceReport> ParseBounceReport(absl::string_view message,
                                                             size_t max_bytes = 10 << 20);

// "dsn", "complaint", "auto_reply", "unstructured", "not_a_report" (metric labels).
absl::string_view ReportTypeName(ReportType type);

}  // namespace mc::execution
