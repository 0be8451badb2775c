// ParseBounceReport against encodings: subjects that are not ASCII (RFC 2047 words, split over
// several), encoded-word diagnostics and a global DSN's UTF-8, LF-only line ends, a
// base64-encoded message/delivery-status part.
#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "execution-service/bounces/bounce_report.h"
#include "execution-service/bounces/bounce_report_test_support.h"
#include "execution-service/bounces/testing/report_builder.h"

namespace mc::execution {
namespace {

using report_test::AllBuilders;
using report_test::Builder;
using report_test::CheckBounded;
using report_test::CheckVerdict;
using report_test::kHard;
using report_test::NamedBuilder;
using report_test::Parse;
using report_test::Spec;
using report_test::ValidUtf8;
using testing::BounceSpec;

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

}  // namespace
}  // namespace mc::execution
