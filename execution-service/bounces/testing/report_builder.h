// Test support: inbound reports as real systems write them, for the report parser's tests and
// the end-to-end tests of the bounce listener. Each builder returns one whole message (header
// section and body, CRLF line ends, Date, Message-ID, MIME-Version, boundaries that occur
// nowhere inside the parts) shaped as that system writes it: its header order and names, its
// MIME structure, its notice text, its field spellings and folding, its diagnostic wording.
//
//   PostfixDsn   Postfix 3: multipart/report (text/plain notice, message/delivery-status with
//                X-Postfix-Queue-ID, text/rfc822-headers), Diagnostic-Code folded with four
//                spaces as Postfix writes it
//   EximDsn      Exim 4: "Mail delivery failed: returning message to sender", Auto-Submitted
//                before From, X-Failed-Recipients, "Status: 5.0.0" (the class only, as Exim
//                writes it) with the precise code in the Diagnostic-Code, message/rfc822
//   ExchangeDsn  Exchange Online: "Undeliverable: <subject>", multipart/alternative (quoted-
//                printable text/plain and text/html) before message/delivery-status
//                ("smtp;" without a space, X-Display-Name), text/rfc822-headers. Exchange reports
//                an unknown address as 5.1.10 RESOLVER.ADR.RecipientNotFound: a spec status of
//                5.1.1 is written so
//   GmailDsn     Gmail: "Delivery Status Notification (Failure)" from
//                mailer-daemon@googlemail.com, multipart/related/alternative human part (text
//                and base64 text/html, an icon), the remote's multi-line reply folded into the
//                Diagnostic-Code, message/rfc822
//   DelayedDsn   Postfix "Delayed Mail (still being retried)": Action: delayed, Will-Retry-Until;
//                the status is the spec's when it is of class 4, else 4.4.1 (connection timed
//                out, an X-Postfix diagnostic)
//   QmailBounce  qmail-send: "failure notice", no MIME report, the address and its reason
//                ("Sorry, no mailbox here by that name. (#5.1.1)" for 5.1.1, the remote's
//                reply otherwise), the returned message inline below "--- Below this line ...";
//                the Message-ID and MIME-Version a relay on the way adds (qmail writes neither)
//   ArfReport    a feedback loop's complaint (ARF, RFC 5965): Feedback-Type: abuse,
//                Original-Mail-From (the original's return path, else `to`), Original-Rcpt-To,
//                message/rfc822 as delivered, with its Return-Path
//   AutoReply    an Exchange out-of-office reply: Auto-Submitted: auto-replied, "Automatic
//                reply: <subject>", plain text, In-Reply-To the original
//
// The returned original message (where a builder writes one) carries the spec's Return-Path
// (when not empty), From, To (original_recipient), Subject (RFC 2047-encoded when not ASCII),
// Message-ID (when not empty). An empty `diagnostic` takes a typical remote reply for `status`
// in that system's wording (5.1.1 unknown user, 5.2.2 mailbox full, 5.7.1 a blocklist refusal
// that does not name the address, 4.x.x a transient refusal; any other code a generic text).
//
// Deterministic: the same spec gives the same bytes (fixed dates; ids and boundaries derived
// from the spec). No MIME library: plain string building. Spec fields are written as given
// (no line breaks in them, please). Pure, thread-safe.
#pragma once

#include <string>

namespace mc::execution::testing {

struct BounceSpec {
  std::string to;                    // the bounce's To: header (the VERP return path), without <>
  std::string original_recipient;    // the address that bounced / complained
  std::string original_message_id;   // without <>, e.g. "ev-rt-42@mc.test"; may be empty
  std::string original_return_path;  // Return-Path in the returned message's headers; empty: none
  std::string original_from = "shop@brand.test";
  std::string original_subject = "Your order";
  std::string status = "5.1.1";
  std::string diagnostic;  // empty: a typical text for `status` in that MTA's wording
  std::string reporting_mta = "mx.example.test";
};

std::string PostfixDsn(const BounceSpec& spec);
std::string EximDsn(const BounceSpec& spec);
std::string ExchangeDsn(const BounceSpec& spec);
std::string GmailDsn(const BounceSpec& spec);
std::string DelayedDsn(const BounceSpec& spec);
std::string QmailBounce(const BounceSpec& spec);
std::string ArfReport(const BounceSpec& spec);
std::string AutoReply(const BounceSpec& spec);

}  // namespace mc::execution::testing
