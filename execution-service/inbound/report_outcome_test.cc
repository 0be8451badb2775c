#include "execution-service/inbound/report_outcome.h"

#include <catch2/catch.hpp>

namespace mc::execution {
namespace {

BounceReport Dsn(std::vector<DsnRecipient> recipients) {
  BounceReport r;
  r.type = ReportType::kDsn;
  r.recipients = std::move(recipients);
  return r;
}

TEST_CASE("a DSN's chosen group decides, table by table") {
  struct Row {
    std::string action, status, diagnostic;
    std::optional<LateOutcomeKind> kind;
    bool quarantine;
    std::string reason_or_dropped;
  };
  const std::vector<Row> rows = {
      {"failed", "5.1.1", "550 5.1.1 <bob@example.test>: Recipient address rejected: User unknown",
       LateOutcomeKind::kHardBounce, true,
       "550 5.1.1 <bob@example.test>: Recipient address rejected: User unknown"},
      {"failed", "5.0.0", "550 5.1.1 The email account that you tried to reach does not exist",
       LateOutcomeKind::kHardBounce, true,
       "550 5.1.1 The email account that you tried to reach does not exist"},
      {"failed", "5.7.1", "550 5.7.1 Message rejected as spam by Content Filtering",
       LateOutcomeKind::kHardBounce, false,
       "550 5.7.1 Message rejected as spam by Content Filtering"},
      {"failed", "5.2.2", "552 5.2.2 Mailbox full", LateOutcomeKind::kSoftBounce, false,
       "552 5.2.2 Mailbox full"},
      {"failed", "5.1.1", "Recipient address rejected: User unknown", LateOutcomeKind::kHardBounce,
       true, "5.1.1 Recipient address rejected: User unknown"},
      {"delayed", "4.4.1", "", LateOutcomeKind::kSoftBounce, false, "4.4.1 (delayed)"},
      {"delivered", "2.0.0", "250 ok", std::nullopt, false, "ignored"},
      {"relayed", "2.0.0", "", std::nullopt, false, "ignored"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.action, row.status, row.diagnostic);
    ReportOutcome o = DecideReportOutcome(Dsn({{.final_recipient = "bob@example.test",
                                                .action = row.action,
                                                .status = row.status,
                                                .diagnostic = row.diagnostic}}),
                                          Queue::kBatch, 77);
    if (!row.kind) {
      CHECK_FALSE(o.outcome.has_value());
      CHECK(o.dropped == row.reason_or_dropped);
      continue;
    }
    REQUIRE(o.outcome.has_value());
    CHECK(o.dropped.empty());
    CHECK(o.outcome->queue == Queue::kBatch);
    CHECK(o.outcome->event_id == 77);
    CHECK(o.outcome->kind == *row.kind);
    CHECK(o.outcome->quarantine_address == row.quarantine);
    CHECK(o.outcome->reason == row.reason_or_dropped);
  }
}

TEST_CASE("the failed group is chosen over delayed and delivered ones") {
  ReportOutcome o = DecideReportOutcome(
      Dsn({{.action = "delivered", .status = "2.0.0"},
           {.action = "delayed", .status = "4.2.0"},
           {.action = "failed", .status = "5.1.1", .diagnostic = "550 5.1.1 user unknown"}}),
      Queue::kRealTime, 1);
  REQUIRE(o.outcome.has_value());
  CHECK(o.outcome->kind == LateOutcomeKind::kHardBounce);
  // Without a failed one, the delayed one.
  o = DecideReportOutcome(
      Dsn({{.action = "delivered", .status = "2.0.0"}, {.action = "delayed", .status = "4.2.0"}}),
      Queue::kRealTime, 1);
  REQUIRE(o.outcome.has_value());
  CHECK(o.outcome->kind == LateOutcomeKind::kSoftBounce);
}

TEST_CASE("reports that record nothing say why") {
  CHECK(DecideReportOutcome(Dsn({}), Queue::kRealTime, 1).dropped == "no_recipient");
  BounceReport r;
  r.type = ReportType::kAutoReply;
  CHECK(DecideReportOutcome(r, Queue::kRealTime, 1).dropped == "auto_reply");
  r.type = ReportType::kNotAReport;
  CHECK(DecideReportOutcome(r, Queue::kRealTime, 1).dropped == "not_a_report");
  r.type = ReportType::kComplaint;
  for (const char* type : {"not-spam", "auth-failure", "dmarc"}) {
    r.feedback_type = type;
    CAPTURE(type);
    CHECK(DecideReportOutcome(r, Queue::kRealTime, 1).dropped == "ignored");
  }
}

TEST_CASE("complaints put the address on the deny list") {
  BounceReport r;
  r.type = ReportType::kComplaint;
  for (const auto& [type, reason] : std::vector<std::pair<std::string, std::string>>{
           {"abuse", "complaint (abuse)"}, {"", "complaint"}, {"fraud", "complaint (fraud)"}}) {
    r.feedback_type = type;
    ReportOutcome o = DecideReportOutcome(r, Queue::kRealTime, 5);
    REQUIRE(o.outcome.has_value());
    CHECK(o.outcome->kind == LateOutcomeKind::kComplaint);
    CHECK(o.outcome->reason == reason);
  }
}

TEST_CASE("an old-style bounce is classified by its text") {
  BounceReport r;
  r.type = ReportType::kUnstructured;
  r.recipients.push_back(
      {.diagnostic = "<bob@example.test>: Sorry, no mailbox here by that name. (#5.1.1)"});
  ReportOutcome o = DecideReportOutcome(r, Queue::kRealTime, 9);
  REQUIRE(o.outcome.has_value());
  CHECK(o.outcome->kind == LateOutcomeKind::kHardBounce);
  CHECK(o.outcome->quarantine_address);
  CHECK(o.outcome->reason == "<bob@example.test>: Sorry, no mailbox here by that name. (#5.1.1)");
}

TEST_CASE("the reason is valid UTF-8 without NUL, at most 1000 bytes") {
  std::string diagnostic = "550 5.1.1 unknown \xff\xfe user \xc3";
  diagnostic.push_back('\0');
  diagnostic += "x \xc3\xa9t\xc3\xa9";  // "été"
  ReportOutcome o =
      DecideReportOutcome(Dsn({{.action = "failed", .status = "5.1.1", .diagnostic = diagnostic}}),
                          Queue::kRealTime, 1);
  REQUIRE(o.outcome.has_value());
  CHECK(o.outcome->reason == "550 5.1.1 unknown ?? user ??x \xc3\xa9t\xc3\xa9");
  // Cut on a character boundary.
  std::string longer = "550 5.1.1 ";
  while (longer.size() < 1500) longer += "\xc3\xa9";
  o = DecideReportOutcome(Dsn({{.action = "failed", .status = "5.1.1", .diagnostic = longer}}),
                          Queue::kRealTime, 1);
  REQUIRE(o.outcome.has_value());
  CHECK(o.outcome->reason.size() <= 1000);
  CHECK(o.outcome->reason.size() >= 999);
  CHECK(static_cast<unsigned char>(o.outcome->reason.back()) == 0xA9);
}

}  // namespace
}  // namespace mc::execution
