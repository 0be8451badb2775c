// ExchangeDsn: Exchange Online's NDR (see report_builder.h).
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/text/fnv1a.h"
#include "execution-service/bounces/testing/report_builder.h"
#include "execution-service/bounces/testing/report_builder_internal.h"

namespace mc::execution::testing {

using internal::Bracketed;
using internal::Crlf;
using internal::Domain;
using internal::GenericReply;
using internal::HeaderText;
using internal::Hex;
using internal::IsAscii;
using internal::kOurHost;
using internal::kOurIp;
using internal::LocalPart;
using internal::OriginalHeaders;
using internal::QuotedPrintable;
using internal::SpecHash;

namespace {

// A UUID-shaped id (Exchange's boundaries and Message-IDs).
std::string Uuid(uint64_t a, uint64_t b) {
  const std::string x = Hex(a, 16, false);
  const std::string y = Hex(b, 16, false);
  return absl::StrCat(x.substr(0, 8), "-", x.substr(8, 4), "-", x.substr(12, 4), "-",
                      y.substr(0, 4), "-", y.substr(4, 12));
}

// Exchange Online's words for the common codes.
struct ExchangeWords {
  std::string status;  // as Exchange writes it
  std::string reply;   // the Diagnostic-Code without "smtp;"
  std::string reason;  // the notice's second line
};

ExchangeWords ExchangeWording(const BounceSpec& spec) {
  const std::string local(LocalPart(spec.original_recipient));
  const std::string domain(Domain(spec.original_recipient));
  ExchangeWords w{spec.status, spec.diagnostic, ""};
  if (spec.status == "5.1.1" || spec.status == "5.1.10") {
    w.status = "5.1.10";
    if (w.reply.empty()) {
      w.reply =
          "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup";
    }
    w.reason = absl::StrCat(local, " wasn't found at ", domain, ".");
  } else if (spec.status == "5.2.2") {
    if (w.reply.empty()) {
      w.reply =
          "554 5.2.2 mailbox full; "
          "STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded; "
          "Failed to process message due to a permanent exception with message "
          "[BeginDiagnosticData]"
          "Cannot open mailbox.[EndDiagnosticData]";
    }
    w.reason = absl::StrCat(local, "'s mailbox is full.");
  } else if (spec.status == "5.7.1") {
    if (w.reply.empty()) {
      w.reply =
          absl::StrCat("550 5.7.1 Service unavailable, Client host [", kOurIp,
                       "] blocked using Spamhaus. To request removal from this list see "
                       "https://www.spamhaus.org/query/ip/",
                       kOurIp, " (AS3130). [DB5EUR03FT012.eop-EUR03.prod.protection.outlook.com]");
    }
    w.reason = "Your message wasn't delivered because the recipient's email provider rejected it.";
  } else {
    if (w.reply.empty()) w.reply = GenericReply(spec);
    w.reason = "The recipient's email system couldn't deliver the message.";
  }
  return w;
}

}  // namespace

std::string ExchangeDsn(const BounceSpec& spec) {
  const std::string& mta = spec.reporting_mta;
  const std::string& rcpt = spec.original_recipient;
  const std::string local(LocalPart(rcpt));
  const std::string domain(Domain(rcpt));
  const uint64_t h = SpecHash(spec, "exchange");
  const std::string outer = Uuid(h, text::Fnv1a64(absl::StrCat(h, "outer")));
  const std::string inner = Uuid(text::Fnv1a64(absl::StrCat(h, "inner")), h);
  const ExchangeWords words = ExchangeWording(spec);
  const std::string sender =
      spec.original_return_path.empty() ? spec.original_from : spec.original_return_path;
  const bool ascii = IsAscii(spec.original_subject);
  const absl::string_view charset = ascii ? "us-ascii" : "utf-8";
  const std::string subject = absl::StrCat("Undeliverable: ", spec.original_subject);

  std::string m;
  absl::StrAppend(&m,
                  "Received: from AM7PR02MB5846.eurprd02.prod.outlook.com (2603:10a6:20b:107::10)\n"
                  " by ",
                  mta,
                  " with Microsoft SMTP Server id 15.20.8026.14;\n"
                  " Tue, 1 Oct 2024 08:15:02 +0000\n");
  absl::StrAppend(&m, "MIME-Version: 1.0\n");
  absl::StrAppend(&m, "From: <postmaster@", domain, ">\n");
  absl::StrAppend(&m, "To: <", spec.to, ">\n");
  absl::StrAppend(&m, "Date: Tue, 1 Oct 2024 08:15:02 +0000\n");
  absl::StrAppend(&m, "Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"",
                  outer, "\"\n");
  absl::StrAppend(&m, "X-MS-Exchange-Message-Is-Ndr:\n");
  absl::StrAppend(&m, "Content-Language: en-US\n");
  absl::StrAppend(&m, "Message-ID:\n <", Uuid(text::Fnv1a64(absl::StrCat(h, "id")), h), "@", mta,
                  ">\n");
  if (!spec.original_message_id.empty()) {
    absl::StrAppend(&m, "In-Reply-To: ", Bracketed(spec.original_message_id), "\n");
    absl::StrAppend(&m, "References: ", Bracketed(spec.original_message_id), "\n");
  }
  absl::StrAppend(&m, "Thread-Topic: ", HeaderText(spec.original_subject), "\n");
  absl::StrAppend(&m, "Subject: ", HeaderText(subject), "\n");
  absl::StrAppend(&m, "Auto-Submitted: auto-replied\n");
  absl::StrAppend(&m, "X-MS-PublicTrafficType: Email\n");
  absl::StrAppend(&m, "X-MS-TrafficTypeDiagnostic: AM7PR02MB5846:EE_\n");
  absl::StrAppend(&m,
                  "X-MS-Exchange-CrossTenant-OriginalArrivalTime: 01 Oct 2024 08:15:02.3910\n"
                  " (UTC)\n\n");

  absl::StrAppend(&m, "--", outer, "\n");
  absl::StrAppend(&m,
                  "Content-Type: multipart/alternative; differences=Content-Type;\n\tboundary=\"",
                  inner, "\"\n\n");

  const std::string text = absl::StrCat(
      "Your message to ", rcpt, " couldn't be delivered.\n", words.reason, "\n\n",
      LocalPart(spec.original_from), "    Office 365    ", local,
      "\nAction Required                 Recipient\n\n"
      "How to Fix It\n"
      "The address may be misspelled or may not exist. Check the address and send the message "
      "again, or contact the recipient by other means to confirm it.\n\n"
      "More Info for Email Admins\n"
      "Status code: ",
      words.reply.substr(0, words.reply.find(' ', 4)),
      "\n\n"
      "Original Message Details\n"
      "Created Date:   10/1/2024 8:15:00 AM\n"
      "Sender Address: ",
      sender, "\nRecipient Address:      ", rcpt, "\nSubject:        ", spec.original_subject,
      "\n\nError Details\nReported error:  ", words.reply, "\nDSN generated by:       ", mta, "\n");
  absl::StrAppend(&m, "--", inner, "\n");
  absl::StrAppend(&m, "Content-Type: text/plain; charset=\"", charset,
                  "\"\nContent-Transfer-Encoding: quoted-printable\n\n");
  absl::StrAppend(&m, QuotedPrintable(text), "\n");

  const std::string html = absl::StrCat(
      "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=", charset,
      "\">\n<title>DSN</title>\n</head>\n<body style=\"background-color: white;\">\n"
      "<table style=\"background-color: white; max-width: 548px; color: black; border-spacing: "
      "0px 0px; padding-top: 0px; padding-bottom: 0px; border-collapse: collapse;\" "
      "width=\"548\">\n"
      "<tr><td style=\"font-family: 'Segoe UI', Frutiger, Arial, sans-serif; font-size: 16px;\">"
      "Your message to <a href=\"mailto:",
      rcpt, "\" style=\"color: #0072c6;\">", rcpt, "</a> couldn't be delivered.</td></tr>\n",
      "<tr><td style=\"font-family: 'Segoe UI', Frutiger, Arial, sans-serif; font-size: 24px; "
      "color: #c00000;\">",
      words.reason,
      "</td></tr>\n</table>\n"
      "<p style=\"font-family: 'Segoe UI', Frutiger, Arial, sans-serif; font-size: 14px;\">"
      "Reported error: <em>",
      words.reply, "</em></p>\n<p>DSN generated by: ", mta, "</p>\n</body>\n</html>\n");
  absl::StrAppend(&m, "--", inner, "\n");
  absl::StrAppend(&m, "Content-Type: text/html; charset=\"", charset,
                  "\"\nContent-Transfer-Encoding: quoted-printable\n\n");
  absl::StrAppend(&m, QuotedPrintable(html), "\n");
  absl::StrAppend(&m, "--", inner, "--\n\n");

  absl::StrAppend(&m, "--", outer, "\n");
  absl::StrAppend(&m, "Content-Type: message/delivery-status\n\n");
  absl::StrAppend(&m, "Reporting-MTA: dns;", mta, "\n");
  absl::StrAppend(&m, "Received-From-MTA: dns;", kOurHost, "\n");
  absl::StrAppend(&m, "Arrival-Date: Tue, 1 Oct 2024 08:15:01 +0000\n\n");
  absl::StrAppend(&m, "Final-Recipient: rfc822;", rcpt, "\n");
  absl::StrAppend(&m, "Action: failed\n");
  absl::StrAppend(&m, "Status: ", words.status, "\n");
  absl::StrAppend(&m, "Diagnostic-Code: smtp;", words.reply, "\n");
  absl::StrAppend(&m, "X-Display-Name: ", local, "\n\n\n");

  absl::StrAppend(&m, "--", outer, "\n");
  absl::StrAppend(&m, "Content-Type: text/rfc822-headers\n\n");
  absl::StrAppend(&m, OriginalHeaders(spec, mta), "\n");
  absl::StrAppend(&m, "--", outer, "--\n");
  return Crlf(m);
}

}  // namespace mc::execution::testing
