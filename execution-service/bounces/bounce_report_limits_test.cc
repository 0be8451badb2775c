// ParseBounceReport against what a sender controls: empty and oversized messages, random bytes,
// garbage and NULs, every builder's output cut short, a thousand recipient groups, deep nesting,
// more than kMaxParts parts, a 100 KB field. Never a crash; every value within its limit.
#include <algorithm>
#include <catch2/catch.hpp>
#include <optional>
#include <random>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "execution-service/bounces/bounce_report.h"
#include "execution-service/bounces/bounce_report_test_support.h"
#include "execution-service/bounces/testing/report_builder.h"

namespace mc::execution {
namespace {

using report_test::AllBuilders;
using report_test::CheckBounded;
using report_test::NamedBuilder;
using report_test::Parse;
using report_test::Spec;
using report_test::ValidUtf8;
using report_test::WithCrlf;
using testing::BounceSpec;

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

}  // namespace
}  // namespace mc::execution
