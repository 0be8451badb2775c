// GmailDsn: Gmail's Delivery Status Notification (see report_builder.h).
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "execution-service/bounces/testing/report_builder.h"
#include "execution-service/bounces/testing/report_builder_internal.h"

namespace mc::execution::testing {

using internal::Bracketed;
using internal::Crlf;
using internal::Domain;
using internal::GenericReply;
using internal::Hex;
using internal::kOurIp;
using internal::kRemoteIp;
using internal::OriginalMessage;
using internal::RemoteHost;
using internal::SpecHash;
using internal::Wrap;

namespace {

// Base64 in lines of 76 characters.
std::string Base64Lines(absl::string_view bytes) {
  const std::string encoded = absl::Base64Escape(bytes);
  std::string out;
  for (size_t i = 0; i < encoded.size(); i += 76) {
    absl::StrAppend(&out, absl::string_view(encoded).substr(i, 76), "\n");
  }
  return out;
}

// The remote's reply as Gmail quotes it: the lines of a multi-line SMTP reply.
std::vector<std::string> GmailReplyLines(const BounceSpec& spec) {
  if (!spec.diagnostic.empty()) return {spec.diagnostic};
  constexpr absl::string_view kTrace = "a640c23a62f3a-5e2a5c1f3b8si4411963qkb.123 - gsmtp";
  if (spec.status == "5.1.1") {
    return {"550-5.1.1 The email account that you tried to reach does not exist. Please try",
            "550-5.1.1 double-checking the recipient's email address for typos or",
            "550-5.1.1 unnecessary spaces. For more information, go to",
            absl::StrCat("550 5.1.1  https://support.google.com/mail/?p=NoSuchUser ", kTrace)};
  }
  if (spec.status == "5.2.2") {
    return {"552-5.2.2 The recipient's inbox is out of storage space. Please direct the",
            "552-5.2.2 recipient to",
            absl::StrCat("552 5.2.2  https://support.google.com/mail/?p=OverQuotaPerm ", kTrace)};
  }
  if (spec.status == "5.7.1") {
    return {absl::StrCat("550-5.7.1 [", kOurIp, "] Gmail has detected that this message is likely"),
            "550-5.7.1 unsolicited mail. To reduce the amount of spam sent to Gmail, this",
            "550-5.7.1 message has been blocked. For more information, go to",
            absl::StrCat("550 5.7.1  https://support.google.com/mail/?p=UnsolicitedMessageError ",
                         kTrace)};
  }
  return {GenericReply(spec)};
}

// A 1x1 PNG: Gmail's notices carry their icon as a related part.
constexpr unsigned char kIconPng[] = {
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
    0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78,
    0x9C, 0x63, 0xF8, 0x0F, 0x00, 0x00, 0x01, 0x01, 0x00, 0x05, 0x18, 0xD8, 0x4E, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};

}  // namespace

std::string GmailDsn(const BounceSpec& spec) {
  const std::string& rcpt = spec.original_recipient;
  const uint64_t h = SpecHash(spec, "gmail");
  const std::string b1 = absl::StrCat("000000000000", Hex(h, 12, false));
  const std::string b2 = absl::StrCat("000000000000", Hex(h >> 4, 12, false));
  const std::string b3 = absl::StrCat("000000000000", Hex(h >> 8, 12, false));
  const std::vector<std::string> lines = GmailReplyLines(spec);
  const std::string remote = RemoteHost(spec);
  const absl::string_view domain = Domain(rcpt);

  // The human part drops the continuation codes ("550-5.1.1 ") of the reply's lines.
  std::vector<std::string> shown;
  for (size_t i = 0; i < lines.size(); ++i) {
    absl::string_view line = lines[i];
    if (lines.size() > 1 && line.size() > 10 && line[3] == '-') line.remove_prefix(10);
    if (lines.size() > 1 && i + 1 == lines.size() && line.size() > 10) line.remove_prefix(10);
    shown.push_back(std::string(absl::StripLeadingAsciiWhitespace(line)));
  }
  std::string headline = "** Message not delivered **";
  std::string explanation = absl::StrCat("There was a problem delivering your message to ", rcpt,
                                         ". See the technical details below.");
  if (spec.status == "5.1.1") {
    headline = "** Address not found **";
    explanation = absl::StrCat("Your message wasn't delivered to ", rcpt,
                               " because the address couldn't be found, or is unable to receive "
                               "mail.\n\nLearn more here: "
                               "https://support.google.com/mail/?p=NoSuchUser");
  } else if (absl::StartsWith(spec.status, "5.7.")) {
    headline = "** Message blocked **";
    explanation = absl::StrCat("Your message to ", rcpt,
                               " has been blocked. See technical details below for more "
                               "information.");
  }
  const std::string reply_text = absl::StrJoin(shown, " ");

  std::string m;
  absl::StrAppend(&m, "Received: by 2002:a05:6a10:8e0b:b0:5a1:2b3c:4d5e with SMTP id ",
                  Hex(h, 8, false), ";\n        Tue, 1 Oct 2024 01:15:02 -0700 (PDT)\n");
  absl::StrAppend(&m, "Content-Type: multipart/report; boundary=\"", b1,
                  "\"; report-type=delivery-status\n");
  absl::StrAppend(&m, "MIME-Version: 1.0\n");
  absl::StrAppend(&m, "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n");
  absl::StrAppend(&m, "To: ", spec.to, "\n");
  absl::StrAppend(&m, "Auto-Submitted: auto-replied\n");
  absl::StrAppend(&m, "Subject: Delivery Status Notification (Failure)\n");
  if (!spec.original_message_id.empty()) {
    absl::StrAppend(&m, "References: ", Bracketed(spec.original_message_id), "\n");
    absl::StrAppend(&m, "In-Reply-To: ", Bracketed(spec.original_message_id), "\n");
  }
  absl::StrAppend(&m, "X-Failed-Recipients: ", rcpt, "\n");
  absl::StrAppend(&m, "Message-ID: <66fbb8e8.050a0220.", Hex(h, 6, false), ".",
                  Hex(h >> 24, 4, false), ".GMR@mx.google.com>\n");
  absl::StrAppend(&m, "Date: Tue, 01 Oct 2024 01:15:02 -0700 (PDT)\n\n");

  absl::StrAppend(&m, "--", b1, "\n");
  absl::StrAppend(&m, "Content-Type: multipart/related; boundary=\"", b2, "\"\n\n");
  absl::StrAppend(&m, "--", b2, "\n");
  absl::StrAppend(&m, "Content-Type: multipart/alternative; boundary=\"", b3, "\"\n\n");
  absl::StrAppend(&m, "--", b3, "\n");
  absl::StrAppend(&m, "Content-Type: text/plain; charset=\"UTF-8\"\n\n");
  absl::StrAppend(&m, "\n", headline, "\n\n", explanation,
                  "\n\nThe response from the remote server was:\n", reply_text, "\n\n");
  const std::string html = absl::StrCat(
      "\n<html>\n<head>\n<style>\n* {\nfont-family:Roboto, \"Helvetica Neue\", Helvetica, Arial, "
      "sans-serif;\n}\n</style>\n</head>\n<body>\n<table cellpadding=\"0\" cellspacing=\"0\" "
      "class=\"email-wrapper\" style=\"padding-top:32px;background-color:#ffffff;\"><tbody>\n"
      "<tr><td><table cellpadding=0 cellspacing=0><tbody><tr><td style=\"max-width:560px;"
      "padding:24px 24px 32px;background-color:#fafafa;border:1px solid #e0e0e0;border-radius:"
      "2px\">\n<img style=\"padding:0 24px 16px 0;float:left\" width=72 height=72 alt=\"Error "
      "Icon\" src=\"cid:icon.png\">\n<table style=\"min-width:272px;padding-top:8px\"><tbody>\n"
      "<tr><td><h2 style=\"font-size:20px;color:#212121;font-weight:bold;margin:0\">\n",
      headline.substr(3, headline.size() - 6),
      "\n</h2></td></tr>\n<tr><td style=\"padding-top:20px;color:#757575;font-size:16px;"
      "font-weight:normal;text-align:left\">\n",
      absl::StrReplaceAll(explanation, {{"\n\n", "<br>\n"}}),
      "\n</td></tr>\n</tbody></table>\n</td></tr></tbody></table></td></tr>\n"
      "<tr style=\"border:none;background-color:#fff;font-size:12.8px;width:90%\">\n"
      "<td align=\"left\" style=\"padding:48px 10px\">\nThe response was:<br/>\n"
      "<p style=\"font-family:monospace\">\n",
      reply_text, "\n</p>\n</td>\n</tr>\n</tbody></table>\n</body>\n</html>\n");
  absl::StrAppend(&m, "--", b3, "\n");
  absl::StrAppend(&m,
                  "Content-Type: text/html; charset=\"UTF-8\"\n"
                  "Content-Transfer-Encoding: base64\n\n");
  absl::StrAppend(&m, Base64Lines(html), "\n");
  absl::StrAppend(&m, "--", b3, "--\n\n");
  absl::StrAppend(&m, "--", b2, "\n");
  absl::StrAppend(&m,
                  "Content-Type: image/png; name=\"icon.png\"\n"
                  "Content-Disposition: attachment; filename=\"icon.png\"\n"
                  "Content-Transfer-Encoding: base64\n"
                  "Content-ID: <icon.png>\n\n");
  absl::StrAppend(
      &m, Base64Lines(absl::string_view(reinterpret_cast<const char*>(kIconPng), sizeof(kIconPng))),
      "\n--", b2, "--\n\n");

  absl::StrAppend(&m, "--", b1, "\n");
  absl::StrAppend(&m, "Content-Type: message/delivery-status\n\n");
  absl::StrAppend(&m, "Reporting-MTA: dns; ", spec.reporting_mta, "\n");
  absl::StrAppend(&m, "Received-From-MTA: dns; ", spec.original_from, "\n");
  absl::StrAppend(&m, "Arrival-Date: Tue, 01 Oct 2024 01:15:01 -0700 (PDT)\n");
  if (!spec.original_message_id.empty()) {
    absl::StrAppend(&m, "X-Original-Message-ID: ", Bracketed(spec.original_message_id), "\n");
  }
  absl::StrAppend(&m, "\nFinal-Recipient: rfc822; ", rcpt, "\n");
  absl::StrAppend(&m, "Action: failed\n");
  absl::StrAppend(&m, "Status: ", spec.status, "\n");
  absl::StrAppend(&m, "Remote-MTA: dns; ", remote, ". (", kRemoteIp, ", the server for the domain ",
                  domain, ".)\n");
  absl::StrAppend(
      &m, Wrap(absl::StrCat("Diagnostic-Code: smtp; ", absl::StrJoin(lines, " ")), " ", 78), "\n");
  absl::StrAppend(&m, "Last-Attempt-Date: Tue, 01 Oct 2024 01:15:02 -0700 (PDT)\n\n");

  absl::StrAppend(&m, "--", b1, "\n");
  absl::StrAppend(&m, "Content-Type: message/rfc822\n\n");
  absl::StrAppend(&m, OriginalMessage(spec, "mx.google.com"), "\n");
  absl::StrAppend(&m, "--", b1, "--\n");
  return Crlf(m);
}

}  // namespace mc::execution::testing
