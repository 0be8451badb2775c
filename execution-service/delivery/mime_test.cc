#include "execution-service/delivery/mime.h"

#include <catch2/catch.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "common/testing/mail_headers.h"
#include "execution-service/delivery/smtp_sender.h"

namespace mc::execution {
namespace {

TEST_CASE("multipart email with encoded subject and both bodies") {
  OutgoingMessage m;
  m.address = "ana@example.com";
  m.message_id = "<ev-rt-42@mc.test>";
  m.subject = "Olá Ana";
  m.text = "Hello Ana";
  m.html = "<p>Hello Ana</p>";
  std::string mime = BuildMime(m, "Shop <shop@example.com>", absl::FromUnixSeconds(0));
  CHECK(mime.find("From: Shop <shop@example.com>\r\n") != std::string::npos);
  CHECK(mime.find("To: ana@example.com\r\n") != std::string::npos);
  CHECK(mime.find("Message-ID: <ev-rt-42@mc.test>\r\n") != std::string::npos);
  CHECK(mime.find("Subject: =?UTF-8?B?" + absl::Base64Escape("Olá Ana") + "?=") !=
        std::string::npos);
  CHECK(mime.find("Date: Thu, 01 Jan 1970 00:00:00 +0000") != std::string::npos);
  CHECK(mime.find("multipart/alternative") != std::string::npos);
  CHECK(mime.find(absl::Base64Escape("Hello Ana")) != std::string::npos);
  CHECK(mime.find(absl::Base64Escape("<p>Hello Ana</p>")) != std::string::npos);
}

TEST_CASE("single part and ASCII subject") {
  OutgoingMessage m;
  m.subject = "Plain";
  m.text = "only text";
  std::string mime = BuildMime(m, "a@b.c", absl::Now());
  CHECK(mime.find("Subject: Plain\r\n") != std::string::npos);
  CHECK(mime.find("multipart") == std::string::npos);
  CHECK(mime.find("text/plain") != std::string::npos);
}

TEST_CASE("every header line of a long personalised subject is folded; it decodes back") {
  OutgoingMessage m;
  m.address = "ana@example.com";
  m.message_id = "<ev-rt-43@mc.test>";
  std::string subject;
  while (subject.size() < 1000) subject += "Olá Ana, votre commande A-17 est partie.\r\n";
  m.subject = subject;
  m.text = "t";
  const std::string mime = BuildMime(m, "Boutique Éloïse <shop@example.com>", absl::Now());
  for (const std::string& line : testing::HeaderLines(mime)) CHECK(line.size() <= 78);
  absl::StatusOr<testing::DecodedHeaders> decoded = testing::DecodeMailHeaders(mime);
  INFO(decoded.status());
  REQUIRE(decoded.ok());
  REQUIRE(decoded->Find("Subject") != nullptr);
  CHECK(decoded->Find("Subject")->value ==
        absl::StrReplaceAll(subject, {{"\r", " "}, {"\n", " "}}));
  REQUIRE(decoded->Find("From") != nullptr);
  CHECK(decoded->Find("From")->value == "Boutique Éloïse <shop@example.com>");
  CHECK(decoded->Find("To")->value == "ana@example.com");
  CHECK(decoded->Find("Message-ID")->value == "<ev-rt-43@mc.test>");
}

TEST_CASE("envelope address from a display name") {
  CHECK(EnvelopeAddress("Shop <shop@example.com>") == "shop@example.com");
  CHECK(EnvelopeAddress("shop@example.com") == "shop@example.com");
}

}  // namespace
}  // namespace mc::execution
