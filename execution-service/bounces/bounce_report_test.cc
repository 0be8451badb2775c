// ParseBounceReport against reports as real systems write them: each builder of
// testing/report_builder.h (the type, the recipient group, the diagnostic unfolded, the returned
// message's Message-ID and Return-Path) and what ClassifyDsn makes of it, in every system's
// wording; an ARF complaint and an out-of-office reply. The siblings in this executable:
// bounce_report_wire_test.cc (reports written out as they arrive on the wire),
// bounce_report_limits_test.cc (what a sender controls: empty, oversized, garbage and truncated
// input, a thousand groups, deep nesting, a 100 KB field), bounce_report_encoding_test.cc
// (encoded words, non-ASCII subjects, LF line ends, a base64 status part) and
// bounce_report_builder_test.cc (the builders' own properties).
#include "execution-service/bounces/bounce_report.h"

#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/match.h"
#include "execution-service/bounces/bounce_report_test_support.h"
#include "execution-service/bounces/dsn_classification.h"
#include "execution-service/bounces/testing/report_builder.h"

namespace mc::execution {
namespace {

using report_test::AllBuilders;
using report_test::Builder;
using report_test::CheckBounded;
using report_test::CheckVerdict;
using report_test::kHard;
using report_test::kReturnPath;
using report_test::kSoft;
using report_test::NamedBuilder;
using report_test::Parse;
using report_test::Spec;
using report_test::Verdict;
using testing::BounceSpec;

// ---------------------------------------------------------------------------------------------
// The builders, one by one.

struct DsnCase {
  absl::string_view name;
  Builder build;
  ReportType type;
  absl::string_view subject;
  absl::string_view final_recipient;
  absl::string_view original_recipient;
  absl::string_view action;
  absl::string_view status;
  absl::string_view diagnostic;
  absl::string_view reporting_mta;
  bool has_original;  // the returned message's ids are readable
  Verdict verdict;
};

TEST_CASE(
    "each bounce builder: type, recipient group, diagnostic unfolded, returned ids, verdict") {
  const DsnCase cases[] = {
      {"postfix",
       testing::PostfixDsn,
       ReportType::kDsn,
       "Undelivered Mail Returned to Sender",
       "bob@example.test",
       "bob@example.test",
       "failed",
       "5.1.1",
       "550 5.1.1 <bob@example.test>: Recipient address rejected: User unknown in virtual mailbox "
       "table",
       "mx.example.test",
       true,
       {kHard, true, "5.1.1 bad destination mailbox"}},
      // Exim gives the class only: the precise code comes from the diagnostic.
      {"exim",
       testing::EximDsn,
       ReportType::kDsn,
       "Mail delivery failed: returning message to sender",
       "bob@example.test",
       "",
       "failed",
       "5.0.0",
       "550 5.1.1 <bob@example.test>: Recipient address rejected: User unknown in virtual mailbox "
       "table",
       "mx.example.test",
       true,
       {kHard, true, "5.1.1 bad destination mailbox"}},
      // Exchange Online's 5.1.10 for an unknown address: the row is RFC 7505's (null MX), the
      // verdict the same.
      {"exchange",
       testing::ExchangeDsn,
       ReportType::kDsn,
       "Undeliverable: Your order",
       "bob@example.test",
       "",
       "failed",
       "5.1.10",
       "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
       "mx.example.test",
       true,
       {kHard, true, "5.1.10 recipient domain has a null MX"}},
      {"gmail",
       testing::GmailDsn,
       ReportType::kDsn,
       "Delivery Status Notification (Failure)",
       "bob@example.test",
       "",
       "failed",
       "5.1.1",
       "550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 "
       "double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. "
       "For more information, go to 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser "
       "a640c23a62f3a-5e2a5c1f3b8si4411963qkb.123 - gsmtp",
       "mx.example.test",
       true,
       {kHard, true, "5.1.1 bad destination mailbox"}},
      {"delayed",
       testing::DelayedDsn,
       ReportType::kDsn,
       "Delayed Mail (still being retried)",
       "bob@example.test",
       "bob@example.test",
       "delayed",
       "4.4.1",
       "connect to mail.example.test[192.0.2.25]:25: Connection timed out",
       "mx.example.test",
       true,
       {kSoft, false, "action delayed"}},
      // No report: the paragraph with the code; no action, no status, no address field.
      {"qmail",
       testing::QmailBounce,
       ReportType::kUnstructured,
       "failure notice",
       "",
       "",
       "",
       "",
       "<bob@example.test>: Sorry, no mailbox here by that name. (#5.1.1)",
       "",
       false,
       {kHard, true, "5.1.1 bad destination mailbox"}},
  };
  for (const DsnCase& c : cases) {
    INFO(c.name);
    const BounceReport r = Parse(c.build(Spec()));
    CHECK(ReportTypeName(r.type) == ReportTypeName(c.type));
    CHECK(r.subject == c.subject);
    CHECK(r.reporting_mta == c.reporting_mta);
    REQUIRE(r.recipients.size() == 1);
    const DsnRecipient& g = r.recipients[0];
    CHECK(g.final_recipient == c.final_recipient);
    CHECK(g.original_recipient == c.original_recipient);
    CHECK(g.action == c.action);
    CHECK(g.status == c.status);
    CHECK(g.diagnostic == c.diagnostic);
    CHECK(r.original_message_id == (c.has_original ? "ev-rt-42@mc.test" : ""));
    CHECK(r.original_return_path == (c.has_original ? kReturnPath : ""));
    CHECK(r.feedback_type.empty());
    CheckVerdict(g, c.verdict);
    CheckBounded(r);
  }
}

TEST_CASE(
    "a policy refusal (5.7.1, the address not named) is hard without quarantine, a full "
    "mailbox (5.2.2) soft, in every system's wording") {
  for (const NamedBuilder& b : AllBuilders()) {
    if (b.name == "delayed" || b.name == "arf" || b.name == "autoreply") continue;
    INFO(b.name);
    {
      const BounceReport r = Parse(b.build(Spec("5.7.1")));
      REQUIRE(r.recipients.size() == 1);
      CHECK_FALSE(DiagnosticNamesAddress(r.recipients[0].diagnostic));
      CheckVerdict(r.recipients[0], {kHard, false, "5.7.x security or policy"});
    }
    {
      const BounceReport r = Parse(b.build(Spec("5.2.2")));
      REQUIRE(r.recipients.size() == 1);
      CheckVerdict(r.recipients[0], {kSoft, false, "5.2.2 mailbox full"});
    }
  }
}

TEST_CASE(
    "a given diagnostic is carried as written, whatever the system, and decides the verdict") {
  const std::string text =
      "550 5.1.1 <bob@example.test>... User unknown; the mailbox has been closed by its owner "
      "and will not reopen";
  for (const NamedBuilder& b : AllBuilders()) {
    if (b.name == "arf" || b.name == "autoreply") continue;
    INFO(b.name);
    const BounceReport r = Parse(b.build(Spec("5.1.1", text)));
    REQUIRE(r.recipients.size() == 1);
    const DsnRecipient& g = r.recipients[0];
    CHECK(absl::StrContains(g.diagnostic, text));
    const DsnClassification c = ClassifyDsn(g.action, g.status, g.diagnostic);
    if (b.name == "delayed") {
      CHECK(c.severity == kSoft);
    } else {
      CHECK(c.severity == kHard);
      CHECK(c.quarantine);
    }
  }
  // A delay with the remote's own answer: typed smtp, and soft whatever it says.
  const BounceReport r = Parse(testing::DelayedDsn(Spec("4.2.2")));
  REQUIRE(r.recipients.size() == 1);
  CHECK(r.recipients[0].status == "4.2.2");
  CHECK(r.recipients[0].diagnostic ==
        "452 4.2.2 <bob@example.test>: Quota exceeded (mailbox for user is full)");
  CheckVerdict(r.recipients[0], {kSoft, false, "action delayed"});
}

TEST_CASE("an ARF complaint: feedback type, mail from, rcpt to, the complained-of message") {
  const BounceReport r = Parse(testing::ArfReport(Spec()));
  CHECK(r.type == ReportType::kComplaint);
  CHECK(r.feedback_type == "abuse");
  CHECK(r.original_mail_from == kReturnPath);
  CHECK(r.original_rcpt_to == "bob@example.test");
  CHECK(r.original_return_path == kReturnPath);
  CHECK(r.original_message_id == "ev-rt-42@mc.test");
  CHECK(r.recipients.empty());
  CHECK(r.subject == "Complaint about message from 198.51.100.7");

  // A feedback loop that strips the Return-Path: Original-Mail-From still names the VERP.
  BounceSpec spec = Spec();
  spec.original_return_path.clear();
  spec.original_message_id.clear();
  const BounceReport stripped = Parse(testing::ArfReport(spec));
  CHECK(stripped.type == ReportType::kComplaint);
  CHECK(stripped.original_mail_from == kReturnPath);
  CHECK(stripped.original_return_path.empty());
  CHECK(stripped.original_message_id.empty());
}

TEST_CASE("an out-of-office reply is an auto-reply, never a failure") {
  const BounceReport r = Parse(testing::AutoReply(Spec()));
  CHECK(r.type == ReportType::kAutoReply);
  CHECK(r.subject == "Automatic reply: Your order");
  CHECK(r.recipients.empty());
  CHECK(r.feedback_type.empty());
}

}  // namespace
}  // namespace mc::execution
