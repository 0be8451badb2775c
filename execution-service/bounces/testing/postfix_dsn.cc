// PostfixDsn and DelayedDsn: Postfix 3's bounce and delay notices (see report_builder.h).
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "execution-service/bounces/testing/report_builder.h"
#include "execution-service/bounces/testing/report_builder_internal.h"

namespace mc::execution::testing {

using internal::Bracketed;
using internal::Crlf;
using internal::GenericReply;
using internal::Hex;
using internal::kRemoteIp;
using internal::OriginalHeaders;
using internal::RemoteHost;
using internal::SpecHash;
using internal::Wrap;

namespace {

// Postfix's bounce and delay notices share their shape.
std::string PostfixReport(const BounceSpec& spec, bool delayed) {
  const std::string& mta = spec.reporting_mta;
  const std::string& rcpt = spec.original_recipient;
  const std::string queue_id = Hex(SpecHash(spec, "postfix"), 10, true);
  const std::string boundary = absl::StrCat(queue_id, ".1727770502/", mta);
  const std::string remote = RemoteHost(spec);

  std::string status = spec.status;
  if (delayed && !absl::StartsWith(status, "4.")) status = "4.4.1";
  // A delayed delivery that never got an answer has no SMTP reply: Postfix writes its own
  // text, typed X-Postfix.
  const bool own_text = delayed && spec.diagnostic.empty() && status == "4.4.1";
  BounceSpec reply_spec = spec;
  reply_spec.status = status;
  const std::string reply =
      own_text ? absl::StrCat("connect to ", remote, "[", kRemoteIp, "]:25: Connection timed out")
               : GenericReply(reply_spec);
  const std::string notice_line =
      own_text ? absl::StrCat(Bracketed(rcpt), ": ", reply)
               : absl::StrCat(Bracketed(rcpt), ": host ", remote, "[", kRemoteIp, "] said: ", reply,
                              " (in reply to RCPT TO command)");

  std::string m;
  absl::StrAppend(&m, "Received: by ", mta, " (Postfix)\n\tid ", queue_id,
                  "; Tue,  1 Oct 2024 10:15:02 +0200 (CEST)\n");
  absl::StrAppend(&m, "Date: Tue,  1 Oct 2024 10:15:02 +0200 (CEST)\n");
  absl::StrAppend(&m, "From: MAILER-DAEMON@", mta, " (Mail Delivery System)\n");
  absl::StrAppend(
      &m, "Subject: ",
      delayed ? "Delayed Mail (still being retried)" : "Undelivered Mail Returned to Sender", "\n");
  absl::StrAppend(&m, "To: ", spec.to, "\n");
  absl::StrAppend(&m, "Auto-Submitted: auto-replied\n");
  absl::StrAppend(&m, "MIME-Version: 1.0\n");
  absl::StrAppend(&m, "Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"",
                  boundary, "\"\n");
  absl::StrAppend(&m, "Content-Transfer-Encoding: 8bit\n");
  absl::StrAppend(&m, "Message-Id: <20241001081502.", queue_id, "@", mta, ">\n");
  absl::StrAppend(&m, "\nThis is a MIME-encapsulated message.\n\n");

  absl::StrAppend(&m, "--", boundary, "\n");
  absl::StrAppend(&m,
                  "Content-Description: Notification\n"
                  "Content-Type: text/plain; charset=us-ascii\n\n");
  absl::StrAppend(&m, "This is the mail system at host ", mta, ".\n\n");
  if (delayed) {
    absl::StrAppend(&m,
                    "####################################################################\n"
                    "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n"
                    "####################################################################\n\n"
                    "Your message could not be delivered for more than 4 hour(s).\n"
                    "It will be retried until it is 5 day(s) old.\n\n");
  } else {
    absl::StrAppend(&m,
                    "I'm sorry to have to inform you that your message could not\n"
                    "be delivered to one or more recipients. It's attached below.\n\n");
  }
  absl::StrAppend(&m,
                  "For further assistance, please send mail to postmaster.\n\n"
                  "If you do so, please include this problem report. You can\n"
                  "delete your own text from the attached returned message.\n\n"
                  "                   The mail system\n\n");
  absl::StrAppend(&m, Wrap(notice_line, "    ", 76), "\n\n");

  absl::StrAppend(&m, "--", boundary, "\n");
  absl::StrAppend(&m,
                  "Content-Description: Delivery report\n"
                  "Content-Type: message/delivery-status\n\n");
  absl::StrAppend(&m, "Reporting-MTA: dns; ", mta, "\n");
  absl::StrAppend(&m, "X-Postfix-Queue-ID: ", queue_id, "\n");
  absl::StrAppend(&m, "X-Postfix-Sender: rfc822; ", spec.to, "\n");
  absl::StrAppend(&m, "Arrival-Date: Tue,  1 Oct 2024 10:15:01 +0200 (CEST)\n\n");
  absl::StrAppend(&m, "Final-Recipient: rfc822; ", rcpt, "\n");
  absl::StrAppend(&m, "Original-Recipient: rfc822;", rcpt, "\n");
  absl::StrAppend(&m, "Action: ", delayed ? "delayed" : "failed", "\n");
  absl::StrAppend(&m, "Status: ", status, "\n");
  if (!own_text) absl::StrAppend(&m, "Remote-MTA: dns; ", remote, "\n");
  absl::StrAppend(
      &m,
      Wrap(absl::StrCat("Diagnostic-Code: ", own_text ? "X-Postfix" : "smtp", "; ", reply), "    ",
           76),
      "\n");
  if (delayed) absl::StrAppend(&m, "Will-Retry-Until: Sun,  6 Oct 2024 10:15:01 +0200 (CEST)\n");
  absl::StrAppend(&m, "\n");

  absl::StrAppend(&m, "--", boundary, "\n");
  absl::StrAppend(&m,
                  "Content-Description: Undelivered Message Headers\n"
                  "Content-Type: text/rfc822-headers\n"
                  "Content-Transfer-Encoding: 8bit\n\n");
  absl::StrAppend(&m, OriginalHeaders(spec, absl::StrCat(mta, " (Postfix)")), "\n");
  absl::StrAppend(&m, "--", boundary, "--\n");
  return Crlf(m);
}

}  // namespace

std::string PostfixDsn(const BounceSpec& spec) { return PostfixReport(spec, /*delayed=*/false); }

std::string DelayedDsn(const BounceSpec& spec) { return PostfixReport(spec, /*delayed=*/true); }

}  // namespace mc::execution::testing
