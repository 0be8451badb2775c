// AutoReply: an Exchange out-of-office reply (see report_builder.h).
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "execution-service/bounces/testing/report_builder.h"
#include "execution-service/bounces/testing/report_builder_internal.h"

namespace mc::execution::testing {

using internal::Bracketed;
using internal::Crlf;
using internal::HeaderText;
using internal::Hex;
using internal::QuotedPrintable;
using internal::SpecHash;

std::string AutoReply(const BounceSpec& spec) {
  const std::string& rcpt = spec.original_recipient;
  const uint64_t h = SpecHash(spec, "autoreply");
  const std::string subject = absl::StrCat("Automatic reply: ", spec.original_subject);
  const std::string server = "DB9PR02MB7292";

  std::string m;
  absl::StrAppend(&m, "Received: from ", server,
                  ".eurprd02.prod.outlook.com ([fe80::3c1a:1b2c])\n by ", server,
                  ".eurprd02.prod.outlook.com ([fe80::3c1a:1b2c%6]) with mapi id\n"
                  " 15.20.8026.014; Tue, 1 Oct 2024 08:15:03 +0000\n");
  absl::StrAppend(&m, "From: ", rcpt, "\n");
  absl::StrAppend(&m, "To: <", spec.to, ">\n");
  absl::StrAppend(&m, "Subject: ", HeaderText(subject), "\n");
  absl::StrAppend(&m, "Thread-Topic: ", HeaderText(spec.original_subject), "\n");
  absl::StrAppend(&m, "Thread-Index: AQHbE2x", Hex(h, 12, false), "==\n");
  absl::StrAppend(&m, "Date: Tue, 1 Oct 2024 08:15:03 +0000\n");
  absl::StrAppend(&m, "Message-ID: <", server, Hex(h, 16, true), "@", server,
                  ".eurprd02.prod.outlook.com>\n");
  if (!spec.original_message_id.empty()) {
    absl::StrAppend(&m, "References: ", Bracketed(spec.original_message_id), "\n");
    absl::StrAppend(&m, "In-Reply-To: ", Bracketed(spec.original_message_id), "\n");
  }
  absl::StrAppend(&m, "Content-Language: en-US\n");
  absl::StrAppend(&m, "X-MS-Has-Attach:\n");
  absl::StrAppend(&m, "X-MS-TNEF-Correlator:\n");
  absl::StrAppend(&m, "Auto-Submitted: auto-replied\n");
  absl::StrAppend(&m, "X-MS-Exchange-Inbox-Rules-Loop: ", rcpt, "\n");
  absl::StrAppend(&m, "X-Auto-Response-Suppress: All\n");
  absl::StrAppend(&m, "MIME-Version: 1.0\n");
  absl::StrAppend(&m,
                  "Content-Type: text/plain; charset=\"us-ascii\"\n"
                  "Content-Transfer-Encoding: quoted-printable\n\n");
  absl::StrAppend(
      &m, QuotedPrintable("Thank you for your message. I am out of the office until Monday, 14 "
                          "October, with limited access to email. Your message will not be "
                          "forwarded; for anything urgent, please write to team@example.test.\n\n"
                          "Best regards\n"));
  return Crlf(m);
}

}  // namespace mc::execution::testing
