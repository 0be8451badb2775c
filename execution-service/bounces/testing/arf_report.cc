// ArfReport: a feedback loop's complaint, ARF (see report_builder.h).
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "execution-service/bounces/testing/report_builder.h"
#include "execution-service/bounces/testing/report_builder_internal.h"

namespace mc::execution::testing {

using internal::Bracketed;
using internal::Crlf;
using internal::Domain;
using internal::Hex;
using internal::kOurHost;
using internal::kOurIp;
using internal::OriginalMessage;
using internal::SpecHash;

std::string ArfReport(const BounceSpec& spec) {
  const std::string& mta = spec.reporting_mta;
  const uint64_t h = SpecHash(spec, "arf");
  const std::string boundary =
      absl::StrCat("----=_Part_", h % 1000000, "_", (h >> 20) % 1000000, ".1727770502391");
  const std::string mail_from =
      spec.original_return_path.empty() ? spec.to : spec.original_return_path;

  std::string m;
  absl::StrAppend(&m, "Received: from fbl-out.", mta, " (fbl-out.", mta, " [203.0.113.9])\n\tby ",
                  kOurHost, " with ESMTPS id ", Hex(h, 10, true),
                  "; Tue, 01 Oct 2024 09:02:11 +0000\n");
  absl::StrAppend(&m, "From: Feedback Loop <fbl@", mta, ">\n");
  absl::StrAppend(&m, "To: ", spec.to, "\n");
  absl::StrAppend(&m, "Subject: Complaint about message from ", kOurIp, "\n");
  absl::StrAppend(&m, "Date: Tue, 01 Oct 2024 09:02:11 +0000\n");
  absl::StrAppend(&m, "Message-ID: <", Hex(h, 16, false), ".fbl@", mta, ">\n");
  absl::StrAppend(&m, "MIME-Version: 1.0\n");
  absl::StrAppend(&m, "Content-Type: multipart/report; report-type=feedback-report;\n\tboundary=\"",
                  boundary, "\"\n\n");

  absl::StrAppend(&m, "--", boundary, "\n");
  absl::StrAppend(&m,
                  "Content-Type: text/plain; charset=\"US-ASCII\"\n"
                  "Content-Transfer-Encoding: 7bit\n\n");
  absl::StrAppend(&m, "This is an email abuse report for an email message received from IP\n",
                  kOurIp,
                  " on Tue, 01 Oct 2024 08:15:01 +0000. A user of this mail\n"
                  "service marked it as spam. For more information about this format\n"
                  "please see https://www.rfc-editor.org/rfc/rfc5965.\n\n");

  absl::StrAppend(&m, "--", boundary, "\n");
  absl::StrAppend(&m, "Content-Type: message/feedback-report\n\n");
  absl::StrAppend(&m, "Feedback-Type: abuse\n");
  absl::StrAppend(&m, "User-Agent: ExampleFBL/2.1\n");
  absl::StrAppend(&m, "Version: 1\n");
  absl::StrAppend(&m, "Original-Mail-From: ", Bracketed(mail_from), "\n");
  absl::StrAppend(&m, "Original-Rcpt-To: ", Bracketed(spec.original_recipient), "\n");
  absl::StrAppend(&m, "Arrival-Date: Tue, 01 Oct 2024 08:15:01 +0000\n");
  absl::StrAppend(&m, "Reporting-MTA: dns; ", mta, "\n");
  absl::StrAppend(&m, "Source-IP: ", kOurIp, "\n");
  absl::StrAppend(&m, "Authentication-Results: ", mta,
                  "; spf=pass smtp.mailfrom=", Domain(mail_from),
                  "; dkim=pass header.d=", Domain(spec.original_from), "\n");
  absl::StrAppend(&m, "Reported-Domain: ", Domain(spec.original_from), "\n\n");

  absl::StrAppend(&m, "--", boundary, "\n");
  absl::StrAppend(&m,
                  "Content-Type: message/rfc822\n"
                  "Content-Disposition: inline\n\n");
  absl::StrAppend(&m, OriginalMessage(spec, mta), "\n");
  absl::StrAppend(&m, "--", boundary, "--\n");
  return Crlf(m);
}

}  // namespace mc::execution::testing
