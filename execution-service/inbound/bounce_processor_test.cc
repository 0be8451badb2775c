#include "execution-service/inbound/bounce_processor.h"

#include <prometheus/registry.h>

#include <catch2/catch.hpp>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"

namespace mc::execution {
namespace {

class FakeStore final : public LateOutcomeStore {
 public:
  absl::StatusOr<LateOutcomeResult> Record(const LateOutcome& outcome) override {
    recorded.push_back(outcome);
    return next;
  }
  std::vector<LateOutcome> recorded;
  absl::StatusOr<LateOutcomeResult> next = LateOutcomeResult::kApplied;
};

double Counter(prometheus::Registry& registry, const std::string& type,
               const std::string& outcome) {
  for (const auto& family : registry.Collect()) {
    if (family.name != "mc_inbound_reports_total") continue;
    for (const auto& metric : family.metric) {
      std::string t, o;
      for (const auto& label : metric.label) {
        if (label.name == "type") t = label.value;
        if (label.name == "outcome") o = label.value;
      }
      if (t == type && o == outcome) return metric.counter.value;
    }
  }
  return 0;
}

// A Postfix-like DSN, short.
std::string Dsn(const std::string& to, const std::string& status, const std::string& diagnostic,
                const std::string& action = "failed") {
  return absl::StrCat(
      "From: MAILER-DAEMON@mx.example.test (Mail Delivery System)\r\n"
      "To: ",
      to,
      "\r\n"
      "Subject: Undelivered Mail Returned to Sender\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n"
      "\r\n"
      "--b1\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you...\r\n"
      "--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
      "Reporting-MTA: dns; mx.example.test\r\n\r\n"
      "Final-Recipient: rfc822; bob@example.test\r\n"
      "Action: ",
      action, "\r\nStatus: ", status, "\r\nDiagnostic-Code: smtp; ", diagnostic,
      "\r\n\r\n--b1\r\nContent-Type: text/rfc822-headers\r\n\r\n"
      "Message-ID: <ev-rt-42@mc.test>\r\nTo: bob@example.test\r\n\r\n--b1--\r\n");
}

struct Fixture {
  const VerpCodec verp{std::string(32, 'k'), "bounces.mc.test"};
  FakeStore store;
  prometheus::Registry registry;
  InboundMetrics metrics{registry};
  std::ostringstream log_out;
  log::Logger logger{"test", log::Level::kInfo, log_out};
  BounceProcessor processor{verp, {"Exec1", "exec_schema"}, store, metrics, logger, 1 << 20};
};

TEST_CASE("a hard bounce to a signed return path fails its event") {
  Fixture f;
  const std::string rp = f.verp.Encode("exec1", Queue::kBatch, 42);
  absl::StatusOr<HandledReport> h =
      f.processor.Handle({.mail_from = "",
                          .recipients = {rp},
                          .data = Dsn(rp, "5.1.1", "550 5.1.1 <bob@example.test>: User unknown")});
  REQUIRE(h.ok());
  CHECK(h->type == "dsn");
  CHECK(h->outcome == "applied");
  REQUIRE(f.store.recorded.size() == 1);
  CHECK(f.store.recorded[0].queue == Queue::kBatch);
  CHECK(f.store.recorded[0].event_id == 42);
  CHECK(f.store.recorded[0].kind == LateOutcomeKind::kHardBounce);
  CHECK(f.store.recorded[0].quarantine_address);
  CHECK(f.store.recorded[0].reason == "550 5.1.1 <bob@example.test>: User unknown");
  CHECK(Counter(f.registry, "dsn", "applied") == 1);
  // A return path naming the instance's other name (its schema) is its too.
  const std::string by_schema = f.verp.Encode("exec_schema", Queue::kRealTime, 43);
  h = f.processor.Handle(
      {.recipients = {by_schema}, .data = Dsn(by_schema, "5.1.1", "550 5.1.1 user unknown")});
  REQUIRE(h.ok());
  CHECK(h->outcome == "applied");
  CHECK(f.store.recorded.back().event_id == 43);
}

TEST_CASE("the store's answers are counted as they are") {
  Fixture f;
  const std::string rp = f.verp.Encode("exec1", Queue::kRealTime, 7);
  const InboundMail mail{.recipients = {rp}, .data = Dsn(rp, "4.2.2", "452 4.2.2 Mailbox full")};
  for (const auto& [result, label] : std::vector<std::pair<LateOutcomeResult, std::string>>{
           {LateOutcomeResult::kDuplicate, "duplicate"},
           {LateOutcomeResult::kUnknownEvent, "unknown_event"},
           {LateOutcomeResult::kNotSent, "not_sent"}}) {
    f.store.next = result;
    absl::StatusOr<HandledReport> h = f.processor.Handle(mail);
    REQUIRE(h.ok());
    CHECK(h->outcome == label);
    CHECK(Counter(f.registry, "dsn", label) == 1);
  }
  REQUIRE(f.store.recorded.size() == 3);
  CHECK(f.store.recorded[0].kind == LateOutcomeKind::kSoftBounce);
}

TEST_CASE("forged, foreign and unknown return paths change nothing and are counted") {
  Fixture f;
  std::string forged = f.verp.Encode("exec1", Queue::kRealTime, 43);
  forged[forged.find('@') - 1] = forged[forged.find('@') - 1] == 'a' ? 'b' : 'a';
  const std::string other_instance = f.verp.Encode("exec2", Queue::kRealTime, 43);
  const VerpCodec other_key(std::string(32, 'x'), "bounces.mc.test");
  const std::string other_keys = other_key.Encode("exec1", Queue::kRealTime, 43);
  struct Row {
    std::string rcpt, outcome;
  };
  for (const Row& row : std::vector<Row>{{forged, "bad_signature"},
                                         {other_keys, "bad_signature"},
                                         {other_instance, "other_instance"},
                                         {"postmaster@bounces.mc.test", "unknown_return_path"}}) {
    CAPTURE(row.rcpt);
    absl::StatusOr<HandledReport> h = f.processor.Handle(
        {.recipients = {row.rcpt}, .data = Dsn(row.rcpt, "5.1.1", "550 5.1.1 user unknown")});
    REQUIRE(h.ok());
    CHECK(h->outcome == row.outcome);
  }
  CHECK(f.store.recorded.empty());
  CHECK(Counter(f.registry, "dsn", "bad_signature") == 2);
  CHECK(Counter(f.registry, "dsn", "other_instance") == 1);
  CHECK(Counter(f.registry, "dsn", "unknown_return_path") == 1);
}

TEST_CASE("a complaint to a fixed address is traced by the returned message's Return-Path") {
  Fixture f;
  const std::string rp = f.verp.Encode("exec1", Queue::kRealTime, 99);
  const std::string arf = absl::StrCat(
      "From: feedback@isp.test\r\nTo: fbl@bounces.mc.test\r\nSubject: complaint\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/report; report-type=feedback-report; boundary=\"f\"\r\n\r\n"
      "--f\r\nContent-Type: text/plain\r\n\r\nThis is an abuse report.\r\n"
      "--f\r\nContent-Type: message/feedback-report\r\n\r\n"
      "Feedback-Type: abuse\r\nUser-Agent: isp-fbl/1.0\r\nVersion: 1\r\n"
      "Original-Rcpt-To: <bob@example.test>\r\n\r\n"
      "--f\r\nContent-Type: message/rfc822\r\n\r\nReturn-Path: <",
      rp,
      ">\r\nFrom: shop@brand.test\r\nTo: bob@example.test\r\nMessage-ID: <ev-rt-99@mc.test>\r\n"
      "Subject: Your order\r\n\r\nHello\r\n--f--\r\n");
  absl::StatusOr<HandledReport> h =
      f.processor.Handle({.recipients = {"fbl@bounces.mc.test"}, .data = arf});
  REQUIRE(h.ok());
  CHECK(h->type == "complaint");
  CHECK(h->outcome == "applied");
  REQUIRE(f.store.recorded.size() == 1);
  CHECK(f.store.recorded[0].event_id == 99);
  CHECK(f.store.recorded[0].kind == LateOutcomeKind::kComplaint);
}

TEST_CASE("a store that cannot be reached refuses the message for a retry") {
  Fixture f;
  f.store.next = absl::UnavailableError("connection refused");
  const std::string rp = f.verp.Encode("exec1", Queue::kRealTime, 8);
  const InboundMail mail{.recipients = {rp}, .data = Dsn(rp, "5.1.1", "550 5.1.1 unknown user")};
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<HandledReport> h = f.processor.Handle(mail);
    CHECK(absl::IsUnavailable(h.status()));
  }
  CHECK(Counter(f.registry, "dsn", "unavailable") == 3);
  // Logged once, not once per message.
  const std::string log = f.log_out.str();
  CHECK(log.find("cannot record a bounce report") != std::string::npos);
  CHECK(log.find("cannot record a bounce report", log.find("cannot record") + 1) ==
        std::string::npos);
}

TEST_CASE("what is not a report, or not MIME, is dropped") {
  Fixture f;
  const std::string rp = f.verp.Encode("exec1", Queue::kRealTime, 8);
  absl::StatusOr<HandledReport> h = f.processor.Handle({.recipients = {rp}, .data = ""});
  REQUIRE(h.ok());
  CHECK(h->type == "unparsed");
  CHECK(h->outcome == "malformed");
  h = f.processor.Handle(
      {.recipients = {rp},
       .data = "From: bob@example.test\r\nSubject: thanks!\r\n\r\nThanks for the order.\r\n"});
  REQUIRE(h.ok());
  CHECK(h->type == "not_a_report");
  CHECK(h->outcome == "not_a_report");
  h = f.processor.Handle({.recipients = {rp},
                          .data = "From: bob@example.test\r\nAuto-Submitted: auto-replied\r\n"
                                  "Subject: Out of Office\r\n\r\nI am away.\r\n"});
  REQUIRE(h.ok());
  CHECK(h->outcome == "auto_reply");
  h = f.processor.Handle({.recipients = {rp}, .data = std::string(2 << 20, 'x')});
  REQUIRE(h.ok());
  CHECK(h->outcome == "malformed");
  CHECK(f.store.recorded.empty());
}

}  // namespace
}  // namespace mc::execution
