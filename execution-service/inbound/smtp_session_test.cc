// SmtpSession, the bounce listener's protocol, line by line: what it answers, what it hands
// over, and the limits a client meets.
#include "execution-service/inbound/smtp_session.h"

#include <catch2/catch.hpp>

#include "absl/strings/match.h"

namespace mc::execution {
namespace {

struct Conversation {
  SmtpSessionOptions options{.hostname = "bounces.test",
                             .domain = "bounce.example.test",
                             .max_message_bytes = 200,
                             .max_recipients = 2,
                             .max_refused_commands = 5};
  std::vector<InboundMail> delivered;
  absl::Status answer = absl::OkStatus();
  SmtpSession session{options, [this](const InboundMail& m) {
                        delivered.push_back(m);
                        return answer;
                      }};
  bool open = true;

  std::string Say(const std::string& line) {
    std::string reply;
    open = session.OnLine(line, &reply);
    return reply;
  }
};

TEST_CASE("a bounce is accepted and handed over, dot-unstuffed") {
  Conversation c;
  CHECK(c.session.Greeting() == "220 bounces.test ESMTP ready\r\n");
  const std::string ehlo = c.Say("EHLO mta.example.net");
  CHECK(absl::StrContains(ehlo, "250-PIPELINING"));
  CHECK(absl::StrContains(ehlo, "250-SIZE 200"));
  CHECK(c.Say("MAIL FROM:<>") == "250 2.1.0 Ok\r\n");
  CHECK(c.Say("RCPT TO:<b1.rt.x@Bounce.Example.TEST>") == "250 2.1.5 Ok\r\n");
  CHECK(c.Say("DATA") == "354 End data with <CR><LF>.<CR><LF>\r\n");
  CHECK(c.Say("Subject: bounce").empty());
  CHECK(c.Say("..leading dot").empty());
  CHECK(c.Say(".") == "250 2.0.0 Ok: accepted\r\n");
  REQUIRE(c.delivered.size() == 1);
  CHECK(c.delivered[0].mail_from.empty());
  CHECK(c.delivered[0].recipients == std::vector<std::string>{"b1.rt.x@Bounce.Example.TEST"});
  CHECK(c.delivered[0].data == "Subject: bounce\r\n.leading dot\r\n");
  // A second message on the same connection starts clean.
  CHECK(c.Say("MAIL FROM:<mailer-daemon@example.net>") == "250 2.1.0 Ok\r\n");
  CHECK(c.Say("RCPT TO:<fbl@bounce.example.test>") == "250 2.1.5 Ok\r\n");
  c.Say("DATA");
  c.Say("x");
  c.Say(".");
  REQUIRE(c.delivered.size() == 2);
  CHECK(c.delivered[1].recipients.size() == 1);
  CHECK(c.Say("QUIT") == "221 2.0.0 Bye\r\n");
  CHECK_FALSE(c.open);
}

TEST_CASE("never a relay: other domains are refused") {
  Conversation c;
  c.Say("EHLO x");
  c.Say("MAIL FROM:<a@b.test>");
  CHECK(absl::StartsWith(c.Say("RCPT TO:<victim@elsewhere.test>"), "550 5.7.1"));
  CHECK(absl::StartsWith(c.Say("RCPT TO:<x@bounce.example.test.evil>"), "550 5.7.1"));
  CHECK(absl::StartsWith(c.Say("DATA"), "503"));
  CHECK(c.delivered.empty());
}

TEST_CASE("order of commands is enforced") {
  Conversation c;
  CHECK(absl::StartsWith(c.Say("MAIL FROM:<>"), "503"));
  c.Say("HELO x");
  CHECK(absl::StartsWith(c.Say("RCPT TO:<a@bounce.example.test>"), "503"));
  CHECK(absl::StartsWith(c.Say("FOO"), "502"));
  CHECK(c.Say("NOOP") == "250 2.0.0 Ok\r\n");
  CHECK(c.Say("RSET") == "250 2.0.0 Ok\r\n");
}

TEST_CASE("a store that cannot take the report asks the MTA to try again") {
  Conversation c;
  c.answer = absl::UnavailableError("database down");
  c.Say("EHLO x");
  c.Say("MAIL FROM:<>");
  c.Say("RCPT TO:<a@bounce.example.test>");
  c.Say("DATA");
  c.Say("x");
  CHECK(absl::StartsWith(c.Say("."), "451 4.3.0"));
}

TEST_CASE("limits: size, recipients, refused commands") {
  Conversation c;
  c.Say("EHLO x");
  CHECK(absl::StartsWith(c.Say("MAIL FROM:<> SIZE=201"), "552 5.3.4"));
  c.Say("MAIL FROM:<> SIZE=100");
  c.Say("RCPT TO:<a@bounce.example.test>");
  c.Say("RCPT TO:<b@bounce.example.test>");
  CHECK(absl::StartsWith(c.Say("RCPT TO:<c@bounce.example.test>"), "452"));
  c.Say("DATA");
  for (int i = 0; i < 30; ++i) c.Say(std::string(20, 'x'));
  CHECK(absl::StartsWith(c.Say("."), "552 5.3.4"));
  CHECK(c.delivered.empty());
  // Refused commands end the connection.
  for (int i = 0; i < 2; ++i) c.Say("BAD");
  CHECK(c.open);
  CHECK(absl::StartsWith(c.Say("BAD"), "421"));
  CHECK_FALSE(c.open);
}

TEST_CASE("path addresses and domains") {
  CHECK(PathAddress("<a@b>") == "a@b");
  CHECK(PathAddress(" <> SIZE=10") == "");
  CHECK(PathAddress("a@b") == "");
  CHECK(OnDomain("x@BOUNCE.test", "bounce.test"));
  CHECK_FALSE(OnDomain("x@sub.bounce.test", "bounce.test"));
  CHECK_FALSE(OnDomain("bounce.test", "bounce.test"));
}

}  // namespace
}  // namespace mc::execution
