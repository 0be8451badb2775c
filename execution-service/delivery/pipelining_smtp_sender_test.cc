// Against a real SMTP server on loopback (common/sinks): with PIPELINING and CHUNKING (BDAT
// groups), PIPELINING only, and neither.
#include "execution-service/delivery/pipelining_smtp_sender.h"

#include <catch2/catch.hpp>

#include "absl/strings/escaping.h"
#include "common/sinks/smtp_sink.h"

namespace mc::execution {
namespace {

OutgoingMessage Mail(const std::string& to, int n) {
  OutgoingMessage m;
  m.address = to;
  m.message_id = "<ev-rt-" + std::to_string(n) + "@mc.test>";
  m.subject = "S";
  m.text = "line one\r\n.starts with a dot\r\nlast";
  return m;
}

struct Mode {
  bool pipelining, chunking;
};
constexpr Mode kModes[] = {{true, true}, {true, false}, {false, false}};

TEST_CASE("outcomes per message, in BDAT groups, pipelined or one command at a time") {
  for (Mode mode : kModes) {
    INFO("pipelining " << mode.pipelining << ", chunking " << mode.chunking);
    auto sink = sinks::SmtpSink::Start(
        {.advertise_pipelining = mode.pipelining, .advertise_chunking = mode.chunking});
    REQUIRE(sink.ok());
    PipeliningSmtpSender sender({.url = (*sink)->url(), .from = "Shop <shop@mc.test>"});
    OutgoingMessage a = Mail("a@example.com", 1), bounce = Mail("bounce@example.com", 2),
                    busy = Mail("busy@example.com", 3), b = Mail("b@example.com", 4);
    std::vector<SendOutcome> out = sender.SendMany({&a, &bounce, &busy, &b});
    REQUIRE(out.size() == 4);
    CHECK(out[0].kind == SendOutcome::Kind::kSent);
    CHECK(out[1].kind == SendOutcome::Kind::kHardFailure);
    CHECK(out[1].address_rejected);
    CHECK(out[1].reason.find("550") != std::string::npos);
    CHECK(out[2].kind == SendOutcome::Kind::kSoftFailure);
    CHECK(out[3].kind == SendOutcome::Kind::kSent);
    auto mails = (*sink)->Messages();
    REQUIRE(mails.size() == 2);
    CHECK(mails[0].from == "shop@mc.test");
    CHECK(mails[1].recipients == std::vector<std::string>{"b@example.com"});
    // Dot-stuffing undone by the server: the body arrives as written.
    CHECK(mails[0].data.find("Message-ID: <ev-rt-1@mc.test>") != std::string::npos);
  }
}

TEST_CASE("in a batch, every message arrives whole, in order, with its own outcome") {
  for (Mode mode : kModes) {
    INFO("pipelining " << mode.pipelining << ", chunking " << mode.chunking);
    auto sink = sinks::SmtpSink::Start(
        {.advertise_pipelining = mode.pipelining, .advertise_chunking = mode.chunking});
    REQUIRE(sink.ok());
    PipeliningSmtpSender sender({.url = (*sink)->url()});
    std::vector<OutgoingMessage> batch;
    // More than one BDAT group (64), a bounce in each.
    for (int n = 0; n < 150; ++n) {
      batch.push_back(
          Mail((n % 7 == 3 ? "bounce" : "user") + std::to_string(n) + "@example.com", n));
    }
    std::vector<const OutgoingMessage*> refs;
    for (const OutgoingMessage& m : batch) refs.push_back(&m);
    std::vector<SendOutcome> out = sender.SendMany(refs);
    REQUIRE(out.size() == batch.size());
    std::vector<std::string> expected_ids;
    for (int n = 0; n < 150; ++n) {
      INFO("message " << n);
      CHECK(out[n].kind ==
            (n % 7 == 3 ? SendOutcome::Kind::kHardFailure : SendOutcome::Kind::kSent));
      if (n % 7 != 3)
        expected_ids.push_back("Message-ID: <ev-rt-" + std::to_string(n) + "@mc.test>");
    }
    auto mails = (*sink)->Messages();
    REQUIRE(mails.size() == expected_ids.size());
    for (size_t k = 0; k < mails.size(); ++k) {
      INFO("mail " << k);
      CHECK(mails[k].data.find(expected_ids[k]) != std::string::npos);
      CHECK(mails[k].data.find(absl::Base64Escape(batch[0].text)) != std::string::npos);
    }
    // The connection is still good for the next batch.
    OutgoingMessage after = Mail("late@example.com", 99);
    CHECK(sender.Send(after).kind == SendOutcome::Kind::kSent);
    CHECK((*sink)->accepted() == expected_ids.size() + 1);
  }
}

TEST_CASE("a connection the relay dropped is replaced without failing the message") {
  auto sink = sinks::SmtpSink::Start({});
  REQUIRE(sink.ok());
  const int port = (*sink)->port();
  PipeliningSmtpSender sender({.url = (*sink)->url()});
  OutgoingMessage first = Mail("a@example.com", 1), second = Mail("b@example.com", 2);
  REQUIRE(sender.Send(first).kind == SendOutcome::Kind::kSent);
  sink->reset();  // the relay goes away, and comes back on the same port
  auto again = sinks::SmtpSink::Start({.port = port});
  REQUIRE(again.ok());
  CHECK(sender.Send(second).kind == SendOutcome::Kind::kSent);
  CHECK((*again)->accepted() == 1);
}

TEST_CASE("an unreachable relay is a soft failure, within the timeout") {
  auto sink = sinks::SmtpSink::Start({});
  REQUIRE(sink.ok());
  const std::string url = (*sink)->url();
  sink->reset();
  PipeliningSmtpSender sender({.url = url, .timeout_ms = 2000});
  SendOutcome o = sender.Send(Mail("a@example.com", 1));
  CHECK(o.kind == SendOutcome::Kind::kSoftFailure);
  CHECK(o.reason.find("cannot connect") != std::string::npos);
}

}  // namespace
}  // namespace mc::execution
