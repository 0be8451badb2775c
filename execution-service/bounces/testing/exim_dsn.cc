// EximDsn: Exim 4's bounce (see report_builder.h).
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "execution-service/bounces/testing/report_builder.h"
#include "execution-service/bounces/testing/report_builder_internal.h"

namespace mc::execution::testing {

using internal::Bracketed;
using internal::Crlf;
using internal::GenericReply;
using internal::kRemoteIp;
using internal::OriginalMessage;
using internal::RemoteHost;
using internal::SpecHash;

namespace {

// Base 62, as Exim writes its message ids.
std::string Base62(uint64_t value, int digits) {
  constexpr absl::string_view kDigits =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kDigits[value % 62];
    value /= 62;
  }
  return out;
}

}  // namespace

std::string EximDsn(const BounceSpec& spec) {
  const std::string& mta = spec.reporting_mta;
  const std::string& rcpt = spec.original_recipient;
  const uint64_t h = SpecHash(spec, "exim");
  const std::string id =
      absl::StrCat(Base62(h, 6), "-", Base62(h >> 20, 6), "-", Base62(h >> 40, 2));
  const std::string boundary = absl::StrCat("1727770502-eximdsn-", h % 2147483647);
  const std::string remote = RemoteHost(spec);
  const std::string reply = GenericReply(spec);
  // Exim gives the class only; the remote's precise code is in the Diagnostic-Code.
  const std::string status =
      absl::StrCat(spec.status.empty() ? absl::string_view("5") : spec.status.substr(0, 1), ".0.0");

  std::string m;
  absl::StrAppend(&m, "Received: from mailnull by ", mta, " with local (Exim 4.96)\n\tid ", id,
                  "\n\tfor ", spec.to, ";\n\tTue, 01 Oct 2024 10:15:02 +0200\n");
  absl::StrAppend(&m, "X-Failed-Recipients: ", rcpt, "\n");
  absl::StrAppend(&m, "Auto-Submitted: auto-replied\n");
  absl::StrAppend(&m, "From: Mail Delivery System <Mailer-Daemon@", mta, ">\n");
  absl::StrAppend(&m, "To: ", spec.to, "\n");
  if (!spec.original_message_id.empty()) {
    absl::StrAppend(&m, "References: ", Bracketed(spec.original_message_id), "\n");
  }
  absl::StrAppend(
      &m, "Content-Type: multipart/report; report-type=delivery-status; boundary=", boundary, "\n");
  absl::StrAppend(&m, "MIME-Version: 1.0\n");
  absl::StrAppend(&m, "Subject: Mail delivery failed: returning message to sender\n");
  absl::StrAppend(&m, "Message-Id: <E", id, "@", mta, ">\n");
  absl::StrAppend(&m, "Date: Tue, 01 Oct 2024 10:15:02 +0200\n\n");

  absl::StrAppend(&m, "--", boundary, "\n");
  absl::StrAppend(&m, "Content-type: text/plain; charset=us-ascii\n\n");
  absl::StrAppend(&m,
                  "This message was created automatically by mail delivery software.\n\n"
                  "A message that you sent could not be delivered to one or more of its\n"
                  "recipients. This is a permanent error. The following address(es) failed:\n\n");
  absl::StrAppend(&m, "  ", rcpt, "\n");
  absl::StrAppend(&m, "    host ", remote, " [", kRemoteIp, "]\n");
  absl::StrAppend(&m, "    SMTP error from remote mail server after RCPT TO:", Bracketed(rcpt),
                  ":\n");
  absl::StrAppend(&m, "    ", reply, "\n\n");

  absl::StrAppend(&m, "--", boundary, "\n");
  absl::StrAppend(&m, "Content-type: message/delivery-status\n\n");
  absl::StrAppend(&m, "Reporting-MTA: dns; ", mta, "\n\n");
  absl::StrAppend(&m, "Action: failed\n");
  absl::StrAppend(&m, "Final-Recipient: rfc822;", rcpt, "\n");
  absl::StrAppend(&m, "Status: ", status, "\n");
  absl::StrAppend(&m, "Remote-MTA: dns; ", remote, "\n");
  absl::StrAppend(&m, "Diagnostic-Code: smtp; ", reply, "\n\n");

  absl::StrAppend(&m, "--", boundary, "\n");
  absl::StrAppend(&m, "Content-type: message/rfc822\n\n");
  absl::StrAppend(&m, OriginalMessage(spec, mta), "\n");
  absl::StrAppend(&m, "--", boundary, "--\n");
  return Crlf(m);
}

}  // namespace mc::execution::testing
