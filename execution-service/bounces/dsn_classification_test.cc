// The classification table of dsn_classification.h, row by row, and the text tests.
#include "execution-service/bounces/dsn_classification.h"

#include <catch2/catch.hpp>
#include <string>

namespace mc::execution {
namespace {

struct Row {
  absl::string_view action;
  absl::string_view status;
  absl::string_view diagnostic;
  BounceSeverity severity;
  bool quarantine;
  absl::string_view rule;
};

constexpr BounceSeverity kHard = BounceSeverity::kHard;
constexpr BounceSeverity kSoft = BounceSeverity::kSoft;
constexpr BounceSeverity kIgnore = BounceSeverity::kIgnore;

void CheckRows(std::initializer_list<Row> rows) {
  for (const Row& row : rows) {
    INFO("action=" << row.action << " status=" << row.status << " diagnostic=" << row.diagnostic);
    const DsnClassification c = ClassifyDsn(row.action, row.status, row.diagnostic);
    CHECK(BounceSeverityName(c.severity) == BounceSeverityName(row.severity));
    CHECK(c.quarantine == row.quarantine);
    CHECK(c.rule == row.rule);
  }
}

TEST_CASE("actions: delivered, relayed, expanded ignored; delayed soft whatever the code") {
  CheckRows({
      {"delivered", "2.0.0", "250 ok", kIgnore, false, "action delivered, relayed, expanded"},
      {"Relayed", "2.0.0", "", kIgnore, false, "action delivered, relayed, expanded"},
      {" expanded ", "", "", kIgnore, false, "action delivered, relayed, expanded"},
      {"delayed", "4.4.1", "connect timed out", kSoft, false, "action delayed"},
      {"DELAYED", "5.1.1", "550 5.1.1 user unknown", kSoft, false, "action delayed"},
      {"delayed", "", "", kSoft, false, "action delayed"},
  });
}

TEST_CASE("class 2 is ignored, class 4 soft even when the text names the address") {
  CheckRows({
      {"failed", "2.0.0", "", kIgnore, false, "2.x.x success"},
      {"failed", "4.2.2", "452 4.2.2 mailbox full", kSoft, false, "4.x.x transient"},
      {"failed", "4.1.1", "450 4.1.1 <x@y>: Recipient address rejected: User unknown", kSoft, false,
       "4.x.x transient"},
      {"failed", "4.4.7", "delivery time expired", kSoft, false, "4.x.x transient"},
      {"failed", "4.7.0", "421 4.7.0 Try again later, closing connection", kSoft, false,
       "4.x.x transient"},
  });
}

TEST_CASE("5.1.x: bad destination addresses quarantined, bad sender addresses never") {
  CheckRows({
      {"failed", "5.1.1", "550 5.1.1 user unknown", kHard, true, "5.1.1 bad destination mailbox"},
      {"failed", "5.1.1", "", kHard, true, "5.1.1 bad destination mailbox"},
      {"failed", "5.1.2", "Host or domain name not found", kHard, true,
       "5.1.2 bad destination system"},
      {"failed", "5.1.3", "bad address syntax", kHard, true,
       "5.1.3 bad destination address syntax"},
      {"failed", "5.1.6", "mailbox has moved", kHard, true, "5.1.6 destination mailbox has moved"},
      {"failed", "5.1.10", "RESOLVER.ADR.RecipientNotFound", kHard, true,
       "5.1.10 recipient domain has a null MX"},
      {"failed", "5.1.7", "sender address syntax", kHard, false, "5.1.7, 5.1.8 bad sender address"},
      {"failed", "5.1.8", "550 5.1.8 <b@bounces.x>: Sender address rejected: Domain not found",
       kHard, false, "5.1.7, 5.1.8 bad sender address"},
      {"failed", "5.1.4", "ambiguous address", kHard, false, "5.1.x other address status"},
      {"failed", "5.1.0", "550 5.1.0 Address rejected", kHard, false, "5.1.x other address status"},
      {"failed", "5.1.0", "550 5.1.0 no such user here", kHard, true, "5.1.x other address status"},
      {"failed", "5.1.0", "mailbox full", kHard, false, "5.1.x other address status"},
  });
}

TEST_CASE("5.2.x: disabled quarantined, full soft, too large hard for the message only") {
  CheckRows({
      {"failed", "5.2.1", "The email account that you tried to reach is disabled", kHard, true,
       "5.2.1 mailbox disabled"},
      {"failed", "5.2.2", "552 5.2.2 over quota", kSoft, false, "5.2.2 mailbox full"},
      {"failed", "5.2.3", "552 5.2.3 message size exceeds fixed maximum", kHard, false,
       "5.2.3 message too large"},
      {"failed", "5.2.0", "mailbox unavailable", kHard, false, "5.2.x other mailbox status"},
      {"failed", "5.2.0", "550 5.2.0 mailbox is full", kSoft, false, "5.2.x other mailbox status"},
      {"failed", "5.2.0", "550 5.2.0 no such mailbox", kHard, true, "5.2.x other mailbox status"},
      {"failed", "5.2.4", "list expansion problem", kHard, false, "5.2.x other mailbox status"},
  });
}

TEST_CASE("5.3.x and 5.4.x: the host and the route, with care") {
  CheckRows({
      {"failed", "5.3.0", "mail system error", kHard, false, "5.3.x destination mail system"},
      {"failed", "5.3.1", "452 mail system full", kSoft, false, "5.3.1 mail system full"},
      {"failed", "5.3.2", "not accepting messages", kHard, false, "5.3.x destination mail system"},
      {"failed", "5.3.4", "message too big for system", kHard, false,
       "5.3.x destination mail system"},
      {"failed", "5.4.0", "", kHard, false, "5.4.x network and routing"},
      {"failed", "5.4.1", "no answer from host", kHard, false, "5.4.x network and routing"},
      {"failed", "5.4.3", "Name service error: try again", kSoft, false,
       "5.4.3 directory server failure"},
      {"failed", "5.4.4", "Host or domain name not found. Name service error for name=x type=A",
       kHard, true, "5.4.4 unable to route"},
      {"failed", "5.4.6", "mail for x loops back to myself", kHard, false,
       "5.4.x network and routing"},
      {"failed", "5.4.7", "delivery time expired", kSoft, false, "5.4.7 delivery time expired"},
  });
}

TEST_CASE("5.5.x and 5.6.x: protocol by its text, content hard") {
  CheckRows({
      {"failed", "5.5.0", "550 5.5.0 Requested action not taken: mailbox unavailable", kHard, false,
       "5.5.x protocol"},
      {"failed", "5.5.0", "550 5.5.0 User unknown", kHard, true, "5.5.x protocol"},
      {"failed", "5.5.0", "552 5.5.0 mailbox full", kSoft, false, "5.5.x protocol"},
      {"failed", "5.5.1", "invalid command", kHard, false, "5.5.x protocol"},
      {"failed", "5.6.0", "message content rejected", kHard, false, "5.6.x content or media"},
      {"failed", "5.6.1", "media not supported user unknown", kHard, false,
       "5.6.x content or media"},
  });
}

TEST_CASE("5.7.x: policy is hard but quarantines only when the text names the address") {
  CheckRows({
      {"failed", "5.7.1",
       "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using "
       "zen.spamhaus.org",
       kHard, false, "5.7.x security or policy"},
      {"failed", "5.7.1", "550 5.7.1 <x@example.org>: Relay access denied", kHard, false,
       "5.7.x security or policy"},
      {"failed", "5.7.26", "550 5.7.26 This mail is unauthenticated (DMARC)", kHard, false,
       "5.7.x security or policy"},
      {"failed", "5.7.1", "550 5.7.1 Recipient rejected", kHard, true, "5.7.x security or policy"},
      {"failed", "5.7.1", "550 5.7.1 <x@example.org>: Recipient address rejected: User unknown",
       kHard, true, "5.7.x security or policy"},
      {"failed", "5.7.1", "550 5.7.1 Sender rejected: sender domain does not exist", kHard, false,
       "5.7.x security or policy"},
      {"failed", "5.7.13", "user account disabled", kHard, true, "5.7.13 user account disabled"},
  });
}

TEST_CASE("other 5.x.x: hard, the text decides quarantine or softness") {
  CheckRows({
      {"failed", "5.0.0", "550 Unrouteable address", kHard, true, "5.x.x other"},
      {"failed", "5.0.0", "550 Administrative prohibition", kHard, false, "5.x.x other"},
      {"failed", "5.0.0", "552 Mailbox quota exceeded", kSoft, false, "5.x.x other"},
      {"failed", "5.9.9", "", kHard, false, "5.x.x other"},
  });
}

TEST_CASE("a generic Status is made precise by the diagnostic's code of the same class") {
  // Exim: "Status: 5.0.0" for the remote's 5.1.1.
  DsnClassification c = ClassifyDsn("failed", "5.0.0", "550 5.1.1 <x@y>: user unknown");
  CHECK(c.rule == "5.1.1 bad destination mailbox");
  CHECK(c.status->ToString() == "5.1.1");
  c = ClassifyDsn("failed", "5.2.0", "552 5.2.2 full");
  CHECK(c.rule == "5.2.2 mailbox full");
  // Not across classes or subjects, nor when the field is precise already.
  CHECK(ClassifyDsn("failed", "5.0.0", "452 4.2.2 full").rule == "5.x.x other");
  CHECK(ClassifyDsn("failed", "5.1.0", "550 5.7.1 denied").rule == "5.1.x other address status");
  CHECK(ClassifyDsn("failed", "5.7.1", "550 5.1.1 user unknown").rule ==
        "5.7.x security or policy");
}

TEST_CASE("a missing or garbage code: the diagnostic's code, else its text, else soft") {
  CheckRows({
      {"failed", "", "smtp; 550 5.1.1 user unknown", kHard, true, "5.1.1 bad destination mailbox"},
      {"failed", "garbage", "452 4.2.2 mailbox full", kSoft, false, "4.x.x transient"},
      {"", "", "Sorry, no mailbox here by that name.", kHard, true,
       "no code; the diagnostic names the address"},
      {"failed", "x.y.z", "mailbox is full", kSoft, false,
       "no code; the diagnostic says the mailbox is full"},
      {"failed", "", "550 Administrative prohibition", kHard, false, "no code; a 5xx reply"},
      {"failed", "", "421 Service not available", kSoft, false, "no code; a 4xx reply"},
      {"failed", "", "something went wrong", kSoft, false, "no code"},
      {"failed", "", "", kSoft, false, "no code"},
      {"", "", "The email account that you tried to reach does not exist", kHard, true,
       "no code; the diagnostic names the address"},
  });
  CHECK_FALSE(ClassifyDsn("failed", "", "").status.has_value());
}

TEST_CASE("the text tests: any case and spacing, never about the sender") {
  CHECK(
      DiagnosticNamesAddress("550 5.1.1 <x@y>: Recipient address rejected: User unknown in "
                             "virtual mailbox table"));
  CHECK(
      DiagnosticNamesAddress("RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP "
                             "address lookup"));
  CHECK(DiagnosticNamesAddress("USER\r\n   UNKNOWN"));
  CHECK(DiagnosticNamesAddress("The email account that you tried to reach does not exist."));
  CHECK(DiagnosticNamesAddress("This account has been disabled or discontinued"));
  CHECK_FALSE(DiagnosticNamesAddress("Sender address rejected: user unknown"));
  CHECK_FALSE(DiagnosticNamesAddress("MAIL FROM domain does not exist"));
  CHECK_FALSE(DiagnosticNamesAddress("550 5.7.1 <x@example.org> blocked by policy"));
  CHECK_FALSE(DiagnosticNamesAddress(""));
  CHECK(DiagnosticSaysMailboxFull("Mailbox\tFull"));
  CHECK(DiagnosticSaysMailboxFull("552 5.2.2 user is over QUOTA"));
  CHECK_FALSE(DiagnosticSaysMailboxFull("user unknown"));
}

}  // namespace
}  // namespace mc::execution
