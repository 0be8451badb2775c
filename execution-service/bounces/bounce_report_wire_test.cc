// ParseBounceReport against reports written out below as they arrive on the wire (Postfix,
// Exchange Online, sendmail; shapes of real ones, our data), so the parser is not only checked
// against our own builders.
#include <catch2/catch.hpp>
#include <string>

#include "execution-service/bounces/bounce_report.h"
#include "execution-service/bounces/bounce_report_test_support.h"

namespace mc::execution {
namespace {

using report_test::CheckVerdict;
using report_test::kHard;
using report_test::Parse;
using report_test::WithCrlf;

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

}  // namespace
}  // namespace mc::execution
