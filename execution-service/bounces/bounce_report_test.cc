// ParseBounceReport against reports as real systems write them: each builder of
// testing/report_builder.h (the type, the recipient group, the diagnostic unfolded, the returned
// message's Message-ID and Return-Path) and what ClassifyDsn makes of it; reports written out
// below as they arrive on the wire (so the parser is not only checked against our own builders);
// and what a sender controls: empty, oversized, garbage and truncated input, a thousand groups,
// deep nesting, encoded words, LF line ends, a base64 status part, a 100 KB field.
#include "execution-service/bounces/bounce_report.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "execution-service/bounces/dsn_classification.h"
#include "execution-service/bounces/testing/report_builder.h"

namespace mc::execution {
namespace {

using testing::BounceSpec;

constexpr absl::string_view kReturnPath = "prod=eu-1-1-42-k3j5h2abqd@bounces.mc.test";

BounceSpec Spec(std::string status = "5.1.1", std::string diagnostic = "") {
  BounceSpec spec;
  spec.to = std::string(kReturnPath);
  spec.original_recipient = "bob@example.test";
  spec.original_message_id = "ev-rt-42@mc.test";
  spec.original_return_path = std::string(kReturnPath);
  spec.status = std::move(status);
  spec.diagnostic = std::move(diagnostic);
  return spec;
}

BounceReport Parse(absl::string_view message) {
  absl::StatusOr<BounceReport> report = ParseBounceReport(message);
  INFO(report.status());
  REQUIRE(report.ok());
  return *std::move(report);
}

using Builder = std::string (*)(const BounceSpec&);

struct NamedBuilder {
  absl::string_view name;
  Builder build;
};

const std::vector<NamedBuilder>& AllBuilders() {
  static const std::vector<NamedBuilder> builders = {
      {"postfix", testing::PostfixDsn},   {"exim", testing::EximDsn},
      {"exchange", testing::ExchangeDsn}, {"gmail", testing::GmailDsn},
      {"delayed", testing::DelayedDsn},   {"qmail", testing::QmailBounce},
      {"arf", testing::ArfReport},        {"autoreply", testing::AutoReply},
  };
  return builders;
}

bool ValidUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80           ? 1
                     : (c >> 5) == 0x6  ? 2
                     : (c >> 4) == 0xE  ? 3
                     : (c >> 3) == 0x1E ? 4
                                        : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

bool HasControl(absl::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
  }
  return false;
}

// Every value within its limit and free of control characters (no line ends, no NULs).
void CheckBounded(const BounceReport& r) {
  CHECK(r.recipients.size() <= kMaxRecipients);
  for (const std::string* v :
       {&r.reporting_mta, &r.feedback_type, &r.original_mail_from, &r.original_rcpt_to,
        &r.original_message_id, &r.original_return_path, &r.subject}) {
    CHECK(v->size() <= kMaxFieldChars);
    CHECK_FALSE(HasControl(*v));
  }
  for (const DsnRecipient& g : r.recipients) {
    for (const std::string* v : {&g.final_recipient, &g.original_recipient, &g.action, &g.status}) {
      CHECK(v->size() <= kMaxFieldChars);
      CHECK_FALSE(HasControl(*v));
    }
    CHECK(g.diagnostic.size() <= kMaxDiagnosticChars);
    CHECK_FALSE(HasControl(g.diagnostic));
  }
}

void CheckSame(const BounceReport& a, const BounceReport& b) {
  CHECK(ReportTypeName(a.type) == ReportTypeName(b.type));
  CHECK(a.reporting_mta == b.reporting_mta);
  CHECK(a.feedback_type == b.feedback_type);
  CHECK(a.original_mail_from == b.original_mail_from);
  CHECK(a.original_rcpt_to == b.original_rcpt_to);
  CHECK(a.original_message_id == b.original_message_id);
  CHECK(a.original_return_path == b.original_return_path);
  CHECK(a.subject == b.subject);
  REQUIRE(a.recipients.size() == b.recipients.size());
  for (size_t i = 0; i < a.recipients.size(); ++i) {
    CHECK(a.recipients[i].final_recipient == b.recipients[i].final_recipient);
    CHECK(a.recipients[i].original_recipient == b.recipients[i].original_recipient);
    CHECK(a.recipients[i].action == b.recipients[i].action);
    CHECK(a.recipients[i].status == b.recipients[i].status);
    CHECK(a.recipients[i].diagnostic == b.recipients[i].diagnostic);
  }
}

struct Verdict {
  BounceSeverity severity;
  bool quarantine;
  absl::string_view rule;
};

void CheckVerdict(const DsnRecipient& g, const Verdict& want) {
  const DsnClassification c = ClassifyDsn(g.action, g.status, g.diagnostic);
  INFO("action=" << g.action << " status=" << g.status << " diagnostic=" << g.diagnostic);
  CHECK(BounceSeverityName(c.severity) == BounceSeverityName(want.severity));
  CHECK(c.quarantine == want.quarantine);
  CHECK(c.rule == want.rule);
}

constexpr BounceSeverity kHard = BounceSeverity::kHard;
constexpr BounceSeverity kSoft = BounceSeverity::kSoft;

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

TEST_CASE("returned messages without ids, and subjects that are not ASCII") {
  BounceSpec spec = Spec();
  spec.original_message_id.clear();
  spec.original_return_path.clear();
  spec.original_subject = "Votre commande est exp\xC3\xA9\x64i\xC3\xA9\x65";
  for (const NamedBuilder& b : AllBuilders()) {
    INFO(b.name);
    const BounceReport r = Parse(b.build(spec));
    CHECK(r.original_message_id.empty());
    CHECK(r.original_return_path.empty());
    CheckBounded(r);
  }
  CHECK(Parse(testing::ExchangeDsn(spec)).subject ==
        absl::StrCat("Undeliverable: ", spec.original_subject));
  CHECK(Parse(testing::AutoReply(spec)).subject ==
        absl::StrCat("Automatic reply: ", spec.original_subject));

  // A long one, in several encoded words, the first with base64 padding (as Exchange and most
  // encoders split them). GMime 3.2.13 joins the payloads of adjacent B words of one charset and
  // stops decoding at the first padding, so the tail may be lost; the start, which the type
  // detection reads, is kept.
  spec.original_subject =
      "Votre commande n\xC2\xB0 42 est exp\xC3\xA9\x64i\xC3\xA9\x65 \xE2\x80\x94 merci d'avoir "
      "choisi notre boutique";
  const std::string want = absl::StrCat("Undeliverable: ", spec.original_subject);
  const std::string got = Parse(testing::ExchangeDsn(spec)).subject;
  CHECK(absl::StartsWith(want, got));
  CHECK(absl::StartsWith(got, "Undeliverable: Votre commande n\xC2\xB0 42"));
  CHECK(ValidUtf8(got));
}

// ---------------------------------------------------------------------------------------------
// Reports as they arrive on the wire, written out by hand (shapes of real ones, our data).

// Postfix relaying to a Google-hosted domain: the remote's multi-line 550-5.1.1 reply folded
// into the Diagnostic-Code, the original's headers with a folded Message-ID.
constexpr absl::string_view kPostfixWire = R"(Return-Path: <>
Received: from mx.shop-relay.test (mx.shop-relay.test [203.0.113.40])
	by in.bounces.mc.test with ESMTPS id 4XJ2kQ0b7Fz9sWq
	for <prod=eu-1-1-77-mbq3xw2hzd@bounces.mc.test>; Wed, 16 Oct 2024 14:03:29 +0000 (UTC)
Received: by mx.shop-relay.test (Postfix)
	id 4XJ2kP6mJcz1xyS; Wed, 16 Oct 2024 16:03:29 +0200 (CEST)
Date: Wed, 16 Oct 2024 16:03:29 +0200 (CEST)
From: MAILER-DAEMON@mx.shop-relay.test (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: prod=eu-1-1-77-mbq3xw2hzd@bounces.mc.test
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4XJ2kP6mJcz1xyS.1729087409/mx.shop-relay.test"
Content-Transfer-Encoding: 8bit
Message-Id: <4XJ2kQ0XrQz1xyW@mx.shop-relay.test>

This is a MIME-encapsulated message.

--4XJ2kP6mJcz1xyS.1729087409/mx.shop-relay.test
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.shop-relay.test.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<Jane.Doe@Customer-Corp.test>: host aspmx.l.google.com[142.250.102.27] said:
    550-5.1.1 The email account that you tried to reach does not exist. Please
    try 550-5.1.1 double-checking the recipient's email address for typos or
    550-5.1.1 unnecessary spaces. For more information, go to 550 5.1.1
    https://support.google.com/mail/?p=NoSuchUser
    5b1f17b1804b1-4311c3b3c1esi12345678f9.301 - gsmtp (in reply to RCPT TO
    command)

--4XJ2kP6mJcz1xyS.1729087409/mx.shop-relay.test
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.shop-relay.test
X-Postfix-Queue-ID: 4XJ2kP6mJcz1xyS
X-Postfix-Sender: rfc822; prod=eu-1-1-77-mbq3xw2hzd@bounces.mc.test
Arrival-Date: Wed, 16 Oct 2024 16:03:28 +0200 (CEST)

Final-Recipient: rfc822; Jane.Doe@Customer-Corp.test
Original-Recipient: rfc822;Jane.Doe@Customer-Corp.test
Action: failed
Status: 5.1.1
Remote-MTA: dns; aspmx.l.google.com
Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does
    not exist. Please try 550-5.1.1 double-checking the recipient's email
    address for typos or 550-5.1.1 unnecessary spaces. For more information, go
    to 550 5.1.1  https://support.google.com/mail/?p=NoSuchUser
    5b1f17b1804b1-4311c3b3c1esi12345678f9.301 - gsmtp

--4XJ2kP6mJcz1xyS.1729087409/mx.shop-relay.test
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers
Content-Transfer-Encoding: 8bit

Return-Path: <prod=eu-1-1-77-mbq3xw2hzd@bounces.mc.test>
Received: from mta-2.mc.test (mta-2.mc.test [198.51.100.8])
	by mx.shop-relay.test (Postfix) with ESMTPS id 4XJ2kP6mJcz1xyS
	for <Jane.Doe@Customer-Corp.test>; Wed, 16 Oct 2024 16:03:28 +0200 (CEST)
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=brand.test; s=mc1;
	t=1729087408; h=from:to:subject:date:message-id:mime-version;
	bh=frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=;
	b=Qm9ndXMgc2lnbmF0dXJlIGZvciBhIHRlc3QgbWVzc2FnZSBvbmx5
From: "Brand Shop" <shop@brand.test>
To: Jane.Doe@Customer-Corp.test
Subject: =?UTF-8?Q?Your_order_=E2=80=94_shipped?=
Date: Wed, 16 Oct 2024 14:03:27 +0000
Message-ID:
 <ev-rt-77@mc.test>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="=_mc_77"

--4XJ2kP6mJcz1xyS.1729087409/mx.shop-relay.test--
)";

// Exchange Online (recipient's tenant): an encoded-word Subject folded over two lines, the
// human part nested in multipart/alternative, the DSN's long unfolded Diagnostic-Code, two
// blank lines after the group, the original as message/rfc822 whose Received lines precede a
// Return-Path without <>.
constexpr absl::string_view kExchangeWire =
    R"(Received: from DB8PR09MB3322.eurprd09.prod.outlook.test (2603:10a6:10:2c5::19)
 by AS8PR04MB8513.eurprd04.prod.outlook.test with HTTPS; Thu, 17 Oct 2024
 09:12:44 +0000
MIME-Version: 1.0
From: <postmaster@contoso-retail.test>
To: <prod=eu-1-2-9001-x7pq2mrbcz@bounces.mc.test>
Date: Thu, 17 Oct 2024 09:12:44 +0000
Content-Type: multipart/report; report-type=delivery-status;
	boundary="5f9b0c1e-77a2-4c3d-9e51-0a9c3e2b7d44"
X-MS-Exchange-Message-Is-Ndr:
Content-Language: en-US
Message-ID:
 <9e1d7a26-1b9c-4d7e-b3f0-6c2a8e5d4f10@DB8PR09MB3322.eurprd09.prod.outlook.test>
In-Reply-To: <ev-bt-9001@mc.test>
References: <ev-bt-9001@mc.test>
Thread-Topic: =?utf-8?B?WW91ciBtb250aGx5IHN0YXRlbWVudCDigJQgT2N0b2Jlcg==?=
Subject: =?utf-8?B?VW5kZWxpdmVyYWJsZTogWW91ciBtb250aGx5IHN0YXRlbWVu?=
 =?utf-8?B?dCDigJQgT2N0b2Jlcg==?=
Auto-Submitted: auto-replied
X-MS-PublicTrafficType: Email
X-MS-TrafficTypeDiagnostic: DB8PR09MB3322:EE_

--5f9b0c1e-77a2-4c3d-9e51-0a9c3e2b7d44
Content-Type: multipart/alternative; differences=Content-Type;
	boundary="0c1e5f9b-4c3d-77a2-0a9c-9e513e2b7d44"

--0c1e5f9b-4c3d-77a2-0a9c-9e513e2b7d44
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

Your message to n.kowalski@contoso-retail.test couldn't be delivered.
n.kowalski wasn't found at contoso-retail.test.

Error Details
Reported error: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient n.kowal=
ski@contoso-retail.test not found by SMTP address lookup
DSN generated by:       DB8PR09MB3322.eurprd09.prod.outlook.test

--0c1e5f9b-4c3d-77a2-0a9c-9e513e2b7d44
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

<html><body><p>Your message to <a href=3D"mailto:n.kowalski@contoso-retail.t=
est">n.kowalski@contoso-retail.test</a> couldn't be delivered.</p></body></=
html>

--0c1e5f9b-4c3d-77a2-0a9c-9e513e2b7d44--

--5f9b0c1e-77a2-4c3d-9e51-0a9c3e2b7d44
Content-Type: message/delivery-status

Reporting-MTA: dns;DB8PR09MB3322.eurprd09.prod.outlook.test
Received-From-MTA: dns;mta-1.mc.test
Arrival-Date: Thu, 17 Oct 2024 09:12:43 +0000

Final-Recipient: rfc822;n.kowalski@contoso-retail.test
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient n.kowalski@contoso-retail.test not found by SMTP address lookup
X-Display-Name: Nina Kowalski


--5f9b0c1e-77a2-4c3d-9e51-0a9c3e2b7d44
Content-Type: message/rfc822

Received: from AM0PR10CA0012.EURPRD10.PROD.OUTLOOK.TEST (2603:10a6:208:17c::22)
 by DB8PR09MB3322.eurprd09.prod.outlook.test (2603:10a6:10:2c5::19) with
 Microsoft SMTP Server (version=TLS1_2,
 cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8069.18; Thu, 17 Oct
 2024 09:12:43 +0000
Authentication-Results: spf=pass (sender IP is 198.51.100.7)
 smtp.mailfrom=bounces.mc.test; dkim=pass (signature was verified)
 header.d=brand.test;dmarc=pass action=none header.from=brand.test;
From: Brand <billing@brand.test>
To: <n.kowalski@contoso-retail.test>
Subject: =?utf-8?B?WW91ciBtb250aGx5IHN0YXRlbWVudCDigJQgT2N0b2Jlcg==?=
Date: Thu, 17 Oct 2024 09:12:40 +0000
Message-ID: <ev-bt-9001@mc.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Return-Path: prod=eu-1-2-9001-x7pq2mrbcz@bounces.mc.test
X-MS-Exchange-Organization-ExpirationStartTime: 17 Oct 2024 09:12:43.1234
 (UTC)

Your statement for October is ready.

--5f9b0c1e-77a2-4c3d-9e51-0a9c3e2b7d44--
)";

// sendmail 8: types in capitals ("RFC822;", "SMTP;"), a per-message group with
// Received-From-MTA, the original returned whole as message/rfc822.
constexpr absl::string_view kSendmailWire = R"(Date: Fri, 18 Oct 2024 07:45:10 -0400
From: Mail Delivery Subsystem <MAILER-DAEMON@relay.old-isp.test>
Message-Id: <202410181145.49IBjAx7012345@relay.old-isp.test>
To: <prod=eu-1-1-314-t4kz9e2mwa@bounces.mc.test>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="49IBjAx7012345.1729251910/relay.old-isp.test"
Subject: Returned mail: see transcript for details
Auto-Submitted: auto-generated (failure)

This is a MIME-encapsulated message

--49IBjAx7012345.1729251910/relay.old-isp.test

The original message was received at Fri, 18 Oct 2024 07:45:09 -0400
from mta-1.mc.test [198.51.100.7]

   ----- The following addresses had permanent fatal errors -----
<old.user@old-isp.test>
    (reason: 550 5.1.1 <old.user@old-isp.test>... User unknown)

--49IBjAx7012345.1729251910/relay.old-isp.test
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.old-isp.test
Received-From-MTA: DNS; mta-1.mc.test
Arrival-Date: Fri, 18 Oct 2024 07:45:09 -0400

Final-Recipient: RFC822; old.user@old-isp.test
Action: failed
Status: 5.1.1
Remote-MTA: DNS; mail.old-isp.test
Diagnostic-Code: SMTP; 550 5.1.1 <old.user@old-isp.test>... User unknown
Last-Attempt-Date: Fri, 18 Oct 2024 07:45:10 -0400

--49IBjAx7012345.1729251910/relay.old-isp.test
Content-Type: message/rfc822

Return-Path: <prod=eu-1-1-314-t4kz9e2mwa@bounces.mc.test>
Received: from mta-1.mc.test (mta-1.mc.test [198.51.100.7])
	by relay.old-isp.test (8.15.2/8.15.2) with ESMTPS id 49IBjAx7012345
	for <old.user@old-isp.test>; Fri, 18 Oct 2024 07:45:09 -0400
From: shop@brand.test
To: old.user@old-isp.test
Subject: Your receipt
Message-ID: <ev-rt-314@mc.test>
Date: Fri, 18 Oct 2024 11:45:08 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Thanks for shopping with us.

--49IBjAx7012345.1729251910/relay.old-isp.test--
)";

std::string WithCrlf(absl::string_view lf) {
  return absl::StrReplaceAll(lf, {{"\r\n", "\n"}, {"\n", "\r\n"}});
}

TEST_CASE("a Postfix DSN as on the wire: folded multi-line reply, folded Message-ID") {
  for (const std::string& wire : {std::string(kPostfixWire), WithCrlf(kPostfixWire)}) {
    const BounceReport r = Parse(wire);
    CHECK(r.type == ReportType::kDsn);
    CHECK(r.reporting_mta == "mx.shop-relay.test");
    REQUIRE(r.recipients.size() == 1);
    CHECK(r.recipients[0].final_recipient == "Jane.Doe@Customer-Corp.test");
    CHECK(r.recipients[0].original_recipient == "Jane.Doe@Customer-Corp.test");
    CHECK(r.recipients[0].action == "failed");
    CHECK(r.recipients[0].status == "5.1.1");
    CHECK(r.recipients[0].diagnostic ==
          "550-5.1.1 The email account that you tried to reach does not exist. Please try "
          "550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 "
          "unnecessary spaces. For more information, go to 550 5.1.1 "
          "https://support.google.com/mail/?p=NoSuchUser "
          "5b1f17b1804b1-4311c3b3c1esi12345678f9.301 - gsmtp");
    CHECK(r.original_message_id == "ev-rt-77@mc.test");
    CHECK(r.original_return_path == "prod=eu-1-1-77-mbq3xw2hzd@bounces.mc.test");
    CheckVerdict(r.recipients[0], {kHard, true, "5.1.1 bad destination mailbox"});
  }
}

TEST_CASE("an Exchange Online NDR as on the wire: encoded subject, message/rfc822 original") {
  const BounceReport r = Parse(WithCrlf(kExchangeWire));
  CHECK(r.type == ReportType::kDsn);
  CHECK(r.subject == "Undeliverable: Your monthly statement \xE2\x80\x94 October");
  CHECK(r.reporting_mta == "DB8PR09MB3322.eurprd09.prod.outlook.test");
  REQUIRE(r.recipients.size() == 1);
  CHECK(r.recipients[0].final_recipient == "n.kowalski@contoso-retail.test");
  CHECK(r.recipients[0].original_recipient.empty());
  CHECK(r.recipients[0].action == "failed");
  CHECK(r.recipients[0].status == "5.1.10");
  CHECK(r.recipients[0].diagnostic ==
        "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient n.kowalski@contoso-retail.test not "
        "found by SMTP address lookup");
  CHECK(r.original_message_id == "ev-bt-9001@mc.test");
  CHECK(r.original_return_path == "prod=eu-1-2-9001-x7pq2mrbcz@bounces.mc.test");
  CheckVerdict(r.recipients[0], {kHard, true, "5.1.10 recipient domain has a null MX"});
}

TEST_CASE("a sendmail DSN as on the wire: address and diagnostic types in capitals") {
  const BounceReport r = Parse(WithCrlf(kSendmailWire));
  CHECK(r.type == ReportType::kDsn);
  CHECK(r.reporting_mta == "relay.old-isp.test");
  REQUIRE(r.recipients.size() == 1);
  CHECK(r.recipients[0].final_recipient == "old.user@old-isp.test");
  CHECK(r.recipients[0].status == "5.1.1");
  CHECK(r.recipients[0].diagnostic == "550 5.1.1 <old.user@old-isp.test>... User unknown");
  CHECK(r.original_message_id == "ev-rt-314@mc.test");
  CHECK(r.original_return_path == "prod=eu-1-1-314-t4kz9e2mwa@bounces.mc.test");
  CheckVerdict(r.recipients[0], {kHard, true, "5.1.1 bad destination mailbox"});
}

// ---------------------------------------------------------------------------------------------
// What a sender controls.

TEST_CASE("empty and oversized messages are INVALID_ARGUMENT") {
  CHECK(ParseBounceReport("").status().code() == absl::StatusCode::kInvalidArgument);
  const std::string dsn = testing::PostfixDsn(Spec());
  CHECK(ParseBounceReport(dsn, dsn.size() - 1).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(ParseBounceReport(dsn, dsn.size()).ok());
  const std::string big(11 << 20, 'a');
  CHECK(ParseBounceReport(big).status().code() == absl::StatusCode::kInvalidArgument);
}

// Ok (then bounded), or INVALID_ARGUMENT; never anything else, never a crash.
std::optional<BounceReport> ParseAnything(absl::string_view message) {
  absl::StatusOr<BounceReport> r = ParseBounceReport(message);
  if (!r.ok()) {
    CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
    return std::nullopt;
  }
  CheckBounded(*r);
  return *std::move(r);
}

constexpr char kNulHeaders[] = "From: a\0b@example.test\r\nSubject: x\0y\r\n\r\n\0\0body";

TEST_CASE("random bytes, garbage and binary with NULs: no crash, not a report") {
  std::mt19937 random(20241001);
  for (int i = 0; i < 300; ++i) {
    std::string bytes(1 + random() % 4096, '\0');
    for (char& c : bytes) c = static_cast<char>(random() & 0xFF);
    INFO("case " << i);
    const std::optional<BounceReport> r = ParseAnything(bytes);
    if (r) CHECK(r->type == ReportType::kNotAReport);
  }
  const std::string nuls(1000, '\0');
  const std::string garbage[] = {
      nuls,
      "\r\n",
      "\n\n\n\n",
      ":",
      "::::\r\n\r\n",
      "--\r\n--\r\n",
      std::string(kNulHeaders, sizeof(kNulHeaders) - 1),
      "Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n",
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"\"\r\n\r\n--\r\n",
      "Content-Type: message/delivery-status\r\n\r\n\r\n\r\n\r\n",
      "Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n--a\r\n--a--\r\n--a\r\n",
      "Content-Type: message/rfc822\r\n\r\nContent-Type: message/rfc822\r\n\r\n",
      "Subject: =?UTF-8?B?////?= =?x?Q?=FF=00?= =?UTF-8?Q?\r\n\r\n",
      std::string(70000, 'x'),
      std::string(70000, '\n'),
  };
  for (const std::string& g : garbage) {
    INFO(absl::CEscape(g.substr(0, 80)));
    ParseAnything(g);
  }
}

// The full report's value, cut short: a prefix of it, or of its type (a cut inside "rfc822;").
bool IsCutOf(absl::string_view full, absl::string_view cut, absl::string_view type = "") {
  if (cut.empty() || absl::StartsWith(full, cut)) return true;
  return !type.empty() && absl::StartsWithIgnoreCase(type, cut);
}

TEST_CASE("every builder's output cut at every 97th byte: no crash, no garbage, no other kind") {
  for (const NamedBuilder& b : AllBuilders()) {
    const std::string message = b.build(Spec());
    const BounceReport full = Parse(message);
    for (size_t cut = 97; cut < message.size(); cut += 97) {
      INFO(b.name << " cut at " << cut << ": ..." << absl::CEscape(message.substr(cut - 40, 40)));
      const std::optional<BounceReport> r = ParseAnything(message.substr(0, cut));
      if (!r) continue;
      // A bounce cut short is still a bounce or nothing: never a vacation message or a
      // complaint (those are never failures); a complaint never a bounce.
      switch (full.type) {
        case ReportType::kDsn:
        case ReportType::kUnstructured:
          CHECK((r->type == ReportType::kDsn || r->type == ReportType::kUnstructured ||
                 r->type == ReportType::kNotAReport));
          break;
        case ReportType::kComplaint:
          CHECK((r->type == ReportType::kComplaint || r->type == ReportType::kNotAReport));
          break;
        case ReportType::kAutoReply:
          CHECK((r->type == ReportType::kAutoReply || r->type == ReportType::kNotAReport));
          break;
        case ReportType::kNotAReport:
          break;
      }
      CHECK(r->recipients.size() <= full.recipients.size());
      CHECK(IsCutOf(full.original_message_id, r->original_message_id));
      CHECK(IsCutOf(full.original_return_path, r->original_return_path));
      CHECK(IsCutOf(full.feedback_type, r->feedback_type));
      CHECK(IsCutOf(full.original_mail_from, r->original_mail_from));
      CHECK(IsCutOf(full.original_rcpt_to, r->original_rcpt_to));
      if (r->type != ReportType::kDsn) continue;
      CHECK(IsCutOf(full.reporting_mta, r->reporting_mta, "dns"));
      for (const DsnRecipient& g : r->recipients) {
        const DsnRecipient& f = full.recipients[0];
        CHECK(IsCutOf(f.final_recipient, g.final_recipient, "rfc822"));
        CHECK(IsCutOf(f.original_recipient, g.original_recipient, "rfc822"));
        CHECK(IsCutOf(f.action, g.action));
        CHECK(IsCutOf(f.status, g.status));
        CHECK((IsCutOf(f.diagnostic, g.diagnostic, "smtp") ||
               IsCutOf(f.diagnostic, g.diagnostic, "x-postfix")));
      }
    }
  }
}

std::string DsnWithGroups(int groups) {
  std::string m =
      "From: MAILER-DAEMON@mx.example.test (Mail Delivery System)\n"
      "To: prod=eu-1-1-42-k3j5h2abqd@bounces.mc.test\n"
      "Subject: Undelivered Mail Returned to Sender\n"
      "Date: Tue,  1 Oct 2024 10:15:02 +0200 (CEST)\n"
      "Message-Id: <20241001081502.A1@mx.example.test>\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b-1\"\n\n"
      "--b-1\nContent-Type: text/plain\n\nMany failed.\n\n"
      "--b-1\nContent-Type: message/delivery-status\n\n"
      "Reporting-MTA: dns; mx.example.test\n\n";
  for (int i = 0; i < groups; ++i) {
    absl::StrAppend(&m, "Final-Recipient: rfc822; r", i,
                    "@example.test\nAction: failed\nStatus: 5.1.1\n"
                    "Diagnostic-Code: smtp; 550 5.1.1 user unknown\n\n");
  }
  absl::StrAppend(&m, "--b-1--\n");
  return WithCrlf(m);
}

TEST_CASE("a DSN with 1000 recipient groups keeps the first kMaxRecipients") {
  const BounceReport r = Parse(DsnWithGroups(1000));
  CHECK(r.type == ReportType::kDsn);
  REQUIRE(r.recipients.size() == kMaxRecipients);
  CHECK(r.recipients.front().final_recipient == "r0@example.test");
  CHECK(r.recipients.back().final_recipient ==
        absl::StrCat("r", kMaxRecipients - 1, "@example.test"));
  CHECK(r.reporting_mta == "mx.example.test");
  CheckBounded(r);
}

// A message whose status part sits under `depth` nested multiparts.
std::string Nested(int depth) {
  std::string inner =
      "Content-Type: message/delivery-status\n\n"
      "Reporting-MTA: dns; mx.example.test\n\n"
      "Final-Recipient: rfc822; deep@example.test\nAction: failed\nStatus: 5.1.1\n";
  for (int i = depth; i >= 1; --i) {
    const std::string b = absl::StrCat("nest-", i, "-x");
    inner = absl::StrCat("Content-Type: multipart/mixed; boundary=\"", b, "\"\n\n--", b, "\n",
                         inner, "\n--", b, "--\n");
  }
  return WithCrlf(
      absl::StrCat("From: someone@example.test\nTo: prod=eu-1-1-42-k3j5h2abqd@bounces.mc.test\n"
                   "Subject: hello\nMessage-ID: <n@example.test>\nMIME-Version: 1.0\n",
                   inner));
}

TEST_CASE(
    "nesting: a status part within kMaxDepth is read, deeper is ignored, 50 and 5000 levels "
    "neither crash nor take long") {
  CHECK(Parse(Nested(1)).type == ReportType::kDsn);
  CHECK(Parse(Nested(kMaxDepth)).type == ReportType::kDsn);
  CHECK(Parse(Nested(kMaxDepth + 1)).type == ReportType::kNotAReport);
  const BounceReport deep = Parse(Nested(50));
  CHECK(deep.type == ReportType::kNotAReport);
  CHECK(deep.recipients.empty());
  ParseAnything(Nested(5000));
  // Returned messages within returned messages.
  std::string nested_messages = "Subject: innermost\n\nbody\n";
  for (int i = 0; i < 2000; ++i) {
    nested_messages = absl::StrCat(
        "Message-ID: <m", i, "@example.test>\nContent-Type: message/rfc822\n\n", nested_messages);
  }
  ParseAnything(WithCrlf(nested_messages));
}

TEST_CASE("parts beyond kMaxParts are not looked at") {
  std::string m =
      "From: someone@example.test\nSubject: many parts\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"many\"\n\n";
  for (int i = 0; i < kMaxParts + 10; ++i) {
    absl::StrAppend(&m, "--many\nContent-Type: application/octet-stream\n\nx\n");
  }
  absl::StrAppend(&m,
                  "--many\nContent-Type: message/delivery-status\n\n"
                  "Final-Recipient: rfc822; late@example.test\nAction: failed\nStatus: 5.1.1\n\n"
                  "--many--\n");
  CHECK(Parse(WithCrlf(m)).type == ReportType::kNotAReport);
}

TEST_CASE("an RFC 2047 encoded-word diagnostic is decoded; a global DSN's UTF-8 is kept") {
  const BounceReport r =
      Parse(testing::PostfixDsn(Spec("5.1.1", "=?UTF-8?Q?550_5.1.1_Empf=C3=A4nger_unbekannt?=")));
  REQUIRE(r.recipients.size() == 1);
  CHECK(r.recipients[0].diagnostic == "550 5.1.1 Empf\xC3\xA4nger unbekannt");
  CheckVerdict(r.recipients[0], {kHard, true, "5.1.1 bad destination mailbox"});

  const BounceReport b64 = Parse(
      testing::EximDsn(Spec("5.1.1", "=?utf-8?B?NTUwIDUuMS4xIFV0aWxpc2F0ZXVyIGluY29ubnU=?=")));
  REQUIRE(b64.recipients.size() == 1);
  CHECK(b64.recipients[0].diagnostic == "550 5.1.1 Utilisateur inconnu");

  // RFC 6533: message/global-delivery-status carries UTF-8 as is.
  const std::string global = absl::StrReplaceAll(
      testing::PostfixDsn(Spec("5.1.1", "550 5.1.1 Destinataire inconnu \xC3\xA0 cette adresse")),
      {{"Content-Type: message/delivery-status", "Content-Type: message/global-delivery-status"}});
  const BounceReport g = Parse(global);
  CHECK(g.type == ReportType::kDsn);
  REQUIRE(g.recipients.size() == 1);
  CHECK(g.recipients[0].diagnostic == "550 5.1.1 Destinataire inconnu \xC3\xA0 cette adresse");
}

TEST_CASE("LF-only line ends parse as CRLF does, for every builder") {
  for (const NamedBuilder& b : AllBuilders()) {
    INFO(b.name);
    const std::string crlf = b.build(Spec());
    REQUIRE(absl::StrContains(crlf, "\r\n"));
    CHECK_FALSE(absl::StrContains(absl::StrReplaceAll(crlf, {{"\r\n", ""}}), "\n"));
    const std::string lf = absl::StrReplaceAll(crlf, {{"\r\n", "\n"}});
    CheckSame(Parse(crlf), Parse(lf));
  }
}

// `message` with its message/delivery-status part's body base64-encoded.
std::string WithBase64Status(const std::string& message) {
  // Exim writes "Content-type".
  const std::string head = "Content-Type: message/delivery-status\r\n";
  const size_t at = absl::AsciiStrToLower(message).find(absl::AsciiStrToLower(head));
  REQUIRE(at != std::string::npos);
  const size_t body = message.find("\r\n\r\n", at) + 4;
  const size_t end = message.find("\r\n--", body);
  REQUIRE(end != std::string::npos);
  const std::string encoded = absl::Base64Escape(message.substr(body, end - body));
  std::string lines;
  for (size_t i = 0; i < encoded.size(); i += 76) {
    absl::StrAppend(&lines, encoded.substr(i, 76), "\r\n");
  }
  return absl::StrCat(message.substr(0, at), head, "Content-Transfer-Encoding: base64\r\n\r\n",
                      lines, message.substr(end + 2));
}

TEST_CASE("a base64-encoded message/delivery-status part is decoded") {
  for (Builder build : {testing::PostfixDsn, testing::EximDsn, testing::ExchangeDsn,
                        testing::GmailDsn, testing::DelayedDsn}) {
    const std::string plain = build(Spec());
    const std::string encoded = WithBase64Status(plain);
    REQUIRE(encoded != plain);
    const BounceReport r = Parse(encoded);
    CHECK(r.type == ReportType::kDsn);
    REQUIRE(r.recipients.size() == 1);
    CHECK(r.recipients[0].final_recipient == "bob@example.test");
    CheckSame(Parse(plain), r);
  }
}

TEST_CASE("a 100 KB field is cut at kMaxFieldChars on a UTF-8 boundary") {
  // Two-byte and three-byte characters after an odd and an even prefix, so that the limit
  // falls inside a character.
  for (const std::string& ch : {std::string("\xC3\xA9"), std::string("\xE2\x82\xAC")}) {
    for (const std::string& lead : {std::string("550 5.1.1 x"), std::string("550 5.1.1 xy")}) {
      std::string word = lead.substr(10);
      while (word.size() < 100 * 1024) word += ch;
      const std::string diagnostic = absl::StrCat("550 5.1.1 ", word);
      const BounceReport r = Parse(testing::EximDsn(Spec("5.1.1", diagnostic)));
      REQUIRE(r.recipients.size() == 1);
      const std::string& d = r.recipients[0].diagnostic;
      CHECK(d.size() <= kMaxDiagnosticChars);
      CHECK(d.size() + ch.size() > std::min(kMaxDiagnosticChars, kMaxFieldChars) - 12);
      CHECK(ValidUtf8(d));
      CHECK(absl::StartsWith(diagnostic, d));

      BounceSpec spec = Spec();
      spec.original_recipient = absl::StrCat(word, "@example.test");
      const BounceReport long_address = Parse(testing::PostfixDsn(spec));
      REQUIRE(long_address.recipients.size() == 1);
      const std::string& a = long_address.recipients[0].final_recipient;
      CHECK(a.size() <= kMaxFieldChars);
      CHECK(a.size() + ch.size() > kMaxFieldChars - 12);
      CHECK(ValidUtf8(a));
      CHECK(absl::StartsWith(word, a));
      CheckBounded(long_address);
    }
  }
}

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
