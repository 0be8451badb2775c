// The builders of testing/report_builder.h on their own: deterministic, CRLF, the header fields
// every message has, and what each system's reports are known by.
#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "execution-service/bounces/bounce_report.h"
#include "execution-service/bounces/bounce_report_test_support.h"
#include "execution-service/bounces/testing/report_builder.h"

namespace mc::execution {
namespace {

using report_test::AllBuilders;
using report_test::kReturnPath;
using report_test::NamedBuilder;
using report_test::Spec;
using testing::BounceSpec;

TEST_CASE("the builders are deterministic and write CRLF, Date, Message-ID, MIME-Version") {
  for (const NamedBuilder& b : AllBuilders()) {
    INFO(b.name);
    const std::string m = b.build(Spec());
    CHECK(m == b.build(Spec()));
    const std::string head = m.substr(0, m.find("\r\n\r\n"));
    CHECK(absl::StrContains(head, "\r\nDate: "));
    CHECK((absl::StrContains(head, "\r\nMessage-ID: ") ||
           absl::StrContains(head, "\r\nMessage-ID:\r\n ") ||
           absl::StrContains(head, "\r\nMessage-Id: ")));
    CHECK(absl::StrContains(absl::StrCat(head, "\r\n"), "\r\nMIME-Version: 1.0\r\n"));
    CHECK(absl::StrContains(head, absl::StrCat("To: ")));
    CHECK(absl::StrContains(head, kReturnPath));
  }
}

TEST_CASE("the builders write what each system is known by") {
  const BounceSpec spec = Spec();
  const std::string postfix = testing::PostfixDsn(spec);
  CHECK(absl::StrContains(postfix, "X-Postfix-Queue-ID: "));
  CHECK(absl::StrContains(postfix,
                          "\r\nDiagnostic-Code: smtp; 550 5.1.1 <bob@example.test>: Recipient "
                          "address\r\n    rejected: User unknown in virtual mailbox table\r\n"));
  CHECK(absl::StrContains(postfix, "Content-Type: text/rfc822-headers"));
  const std::string exim = testing::EximDsn(spec);
  CHECK(absl::StrContains(exim, "\r\nStatus: 5.0.0\r\n"));
  CHECK(absl::StrContains(exim, "Content-type: message/rfc822"));
  CHECK(exim.find("Auto-Submitted:") < exim.find("\r\nFrom:"));
  const std::string exchange = testing::ExchangeDsn(spec);
  CHECK(exchange.find("multipart/alternative") < exchange.find("message/delivery-status"));
  CHECK(absl::StrContains(exchange, "Content-Transfer-Encoding: quoted-printable"));
  CHECK(absl::StrContains(exchange, "\r\nX-Display-Name: bob\r\n"));
  const std::string gmail = testing::GmailDsn(spec);
  CHECK(absl::StrContains(gmail, "mailer-daemon@googlemail.com"));
  CHECK(gmail.find("multipart/related") < gmail.find("multipart/alternative"));
  CHECK(absl::StrContains(gmail,
                          "Content-Type: text/html; charset=\"UTF-8\"\r\n"
                          "Content-Transfer-Encoding: base64"));
  const std::string delayed = testing::DelayedDsn(spec);
  CHECK(absl::StrContains(delayed, "\r\nWill-Retry-Until: "));
  const std::string qmail = testing::QmailBounce(spec);
  CHECK_FALSE(absl::StrContains(qmail.substr(0, qmail.find("\r\n\r\n")), "Content-Type"));
  CHECK(absl::StrContains(qmail, "--- Below this line is a copy of the message.\r\n"));
  const std::string arf = testing::ArfReport(spec);
  CHECK(absl::StrContains(arf, "report-type=feedback-report"));
  CHECK(absl::StrContains(arf, "\r\nVersion: 1\r\n"));
  const std::string autoreply = testing::AutoReply(spec);
  CHECK(absl::StrContains(autoreply, "\r\nAuto-Submitted: auto-replied\r\n"));
  CHECK(absl::StrContains(autoreply, "\r\nIn-Reply-To: <ev-rt-42@mc.test>\r\n"));
}

}  // namespace
}  // namespace mc::execution
