// RFC 3463 codes: the Status field's forms, codes found in diagnostic text and what is not one.
#include "execution-service/bounces/enhanced_status.h"

#include <catch2/catch.hpp>

namespace mc::execution {
namespace {

std::string Parsed(absl::string_view text) {
  std::optional<EnhancedStatus> s = ParseEnhancedStatus(text);
  return s ? s->ToString() : "none";
}

std::string Found(absl::string_view text) {
  std::optional<EnhancedStatus> s = FindEnhancedStatus(text);
  return s ? s->ToString() : "none";
}

TEST_CASE("a Status field: the code, with or without a comment") {
  CHECK(Parsed("5.1.1") == "5.1.1");
  CHECK(Parsed("  5.1.10 ") == "5.1.10");
  CHECK(Parsed("4.4.7") == "4.4.7");
  CHECK(Parsed("2.0.0") == "2.0.0");
  CHECK(Parsed("5.1.1 (bad destination mailbox address)") == "5.1.1");
  CHECK(Parsed("5.7.1;") == "5.7.1");
  CHECK(Parsed("5.999.999") == "5.999.999");
  for (absl::string_view bad : {"", "5", "5.1", "5.1.", "3.1.1", "6.0.0", "5.1.1.1", "5.1.1x",
                                "5.1000.1", "5.1.1000", "x5.1.1", "5..1", "550"}) {
    INFO(bad);
    CHECK(Parsed(bad) == "none");
  }
}

TEST_CASE("a code in text: after a reply code, in qmail's (#5.1.1), not in numbers") {
  CHECK(Found("smtp; 550 5.1.1 <x@y>: Recipient address rejected") == "5.1.1");
  CHECK(Found("550-5.1.1 The email account that you tried to reach does not exist") == "5.1.1");
  CHECK(Found("Sorry, no mailbox here by that name. (#5.1.1)") == "5.1.1");
  CHECK(Found("#550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found ##") == "5.1.10");
  CHECK(Found("the server said 452 4.2.2 over quota.") == "4.2.2");
  CHECK(Found("host 10.5.1.1 said: 550 5.7.1 no") == "5.7.1");
  CHECK(Found("version 2.4.1.7 and v5.1.1 and 192.0.2.25") == "none");
  CHECK(Found("5.1.1x then 4.4.1") == "4.4.1");
  CHECK(Found("") == "none");
  size_t at = 0;
  CHECK(FindEnhancedStatus("ab 5.2.2", &at)->ToString() == "5.2.2");
  CHECK(at == 3);
}

TEST_CASE("a basic SMTP reply code at the start of the text") {
  CHECK(ParseSmtpReplyCode("550 no such user") == 550);
  CHECK(ParseSmtpReplyCode(" 452-too many") == 452);
  CHECK(ParseSmtpReplyCode("421") == 421);
  CHECK_FALSE(ParseSmtpReplyCode("5501 x"));
  CHECK_FALSE(ParseSmtpReplyCode("650 x"));
  CHECK_FALSE(ParseSmtpReplyCode("5.1.1 x"));
  CHECK_FALSE(ParseSmtpReplyCode("user unknown"));
}

}  // namespace
}  // namespace mc::execution
