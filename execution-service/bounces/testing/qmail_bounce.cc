// QmailBounce: qmail-send's failure notice (see report_builder.h).
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "execution-service/bounces/testing/report_builder.h"
#include "execution-service/bounces/testing/report_builder_internal.h"

namespace mc::execution::testing {

using internal::Bracketed;
using internal::Crlf;
using internal::GenericReply;
using internal::kRemoteIp;
using internal::OriginalMessage;
using internal::SpecHash;

std::string QmailBounce(const BounceSpec& spec) {
  const std::string& mta = spec.reporting_mta;
  const std::string& rcpt = spec.original_recipient;
  const uint64_t h = SpecHash(spec, "qmail");
  std::string reason;
  if (spec.diagnostic.empty() && spec.status == "5.1.1") {
    reason = "Sorry, no mailbox here by that name. (#5.1.1)\n";
  } else {
    reason =
        absl::StrCat(kRemoteIp, " does not like recipient.\nRemote host said: ", GenericReply(spec),
                     "\nGiving up on ", kRemoteIp, ".\n");
  }

  std::string m;
  absl::StrAppend(&m, "Received: (qmail ", h % 90000 + 10000,
                  " invoked for bounce); 1 Oct 2024 08:15:02 -0000\n");
  absl::StrAppend(&m, "Date: 1 Oct 2024 08:15:02 -0000\n");
  absl::StrAppend(&m, "From: MAILER-DAEMON@", mta, "\n");
  absl::StrAppend(&m, "To: ", spec.to, "\n");
  absl::StrAppend(&m, "Subject: failure notice\n");
  // qmail-send writes neither of these two; the relay that passes the notice on usually adds
  // them (the parser needs neither).
  absl::StrAppend(&m, "Message-ID: <20241001081502.", h % 100000, ".qmail@", mta, ">\n");
  absl::StrAppend(&m, "MIME-Version: 1.0\n\n");
  absl::StrAppend(&m, "Hi. This is the qmail-send program at ", mta,
                  ".\n"
                  "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
                  "This is a permanent error; I've given up. Sorry it didn't work out.\n\n");
  absl::StrAppend(&m, Bracketed(rcpt), ":\n", reason, "\n");
  absl::StrAppend(&m, "--- Below this line is a copy of the message.\n\n");
  absl::StrAppend(&m, OriginalMessage(spec, mta));
  return Crlf(m);
}

}  // namespace mc::execution::testing
