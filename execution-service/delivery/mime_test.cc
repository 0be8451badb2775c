#include "execution-service/delivery/mime.h"

#include <catch2/catch.hpp>
#include <map>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/testing/mail_headers.h"
#include "common/testing/mail_parts.h"
#include "execution-service/delivery/smtp_sender.h"

namespace mc::execution {
namespace {

using Address = std::pair<std::string, std::string>;

OutgoingMessage Message() {
  OutgoingMessage m;
  m.address = "ana@example.com";
  m.message_id = "<ev-rt-44@mc.test>";
  m.subject = "Your order";
  m.text = "Hello Ana";
  m.html = "<p>Hello Ana</p>";
  return m;
}

// `valid`: every field is valid, so Python must find no defect.
testing::DecodedHeaders Headers(const std::string& mime, bool valid = true) {
  absl::StatusOr<testing::DecodedHeaders> decoded = testing::DecodeMailHeaders(mime);
  INFO(decoded.status());
  REQUIRE(decoded.ok());
  CHECK(decoded->message_defects.empty());
  for (const testing::DecodedField& f : decoded->fields) {
    INFO(f.name << ": " << f.value);
    if (valid) CHECK(f.defects.empty());
  }
  return *decoded;
}

std::vector<testing::DecodedPart> Parts(const std::string& mime) {
  absl::StatusOr<std::vector<testing::DecodedPart>> parts = testing::DecodeMailParts(mime);
  INFO(parts.status());
  REQUIRE(parts.ok());
  for (const testing::DecodedPart& p : *parts) {
    INFO(p.content_type);
    CHECK(p.defects.empty());
  }
  return *parts;
}

int Count(const testing::DecodedHeaders& headers, const std::string& name) {
  int n = 0;
  for (const testing::DecodedField& f : headers.fields) n += absl::EqualsIgnoreCase(f.name, name);
  return n;
}

std::vector<std::string> Lines(const std::string& mime) { return absl::StrSplit(mime, "\r\n"); }

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

TEST_CASE("From: the message's own mailbox, else the sender's") {
  OutgoingMessage m = Message();
  testing::DecodedHeaders by_default =
      Headers(BuildMime(m, "Shop <shop@example.com>", absl::Now()));
  CHECK(by_default.Find("From")->addresses == std::vector<Address>{{"Shop", "shop@example.com"}});
  CHECK(by_default.Find("Reply-To") == nullptr);

  m.from = "Brand, Inc. <news@brand.test>";  // a comma: one name, quoted
  const std::string mime = BuildMime(m, "Shop <shop@example.com>", absl::Now());
  CHECK(absl::StrContains(mime, "From: \"Brand, Inc.\" <news@brand.test>\r\n"));
  testing::DecodedHeaders own = Headers(mime);
  CHECK(Count(own, "From") == 1);
  CHECK(own.Find("From")->addresses == std::vector<Address>{{"Brand, Inc.", "news@brand.test"}});

  m.from = "Boutique Éloïse <news@brand.test>";
  CHECK(Headers(BuildMime(m, "Shop <shop@example.com>", absl::Now())).Find("From")->addresses ==
        std::vector<Address>{{"Boutique Éloïse", "news@brand.test"}});
}

TEST_CASE("Reply-To when given, encoded as a mailbox") {
  OutgoingMessage m = Message();
  m.reply_to = "Service clients <care@brand.test>\r\nBcc: evil@example.com";
  testing::DecodedHeaders h =
      Headers(BuildMime(m, "shop@example.com", absl::Now()), /*valid=*/false);
  REQUIRE(h.Find("Reply-To") != nullptr);
  CHECK(Count(h, "Bcc") == 0);
  CHECK(h.Find("Reply-To")->value.find_first_of("\r\n") == std::string::npos);
  m.reply_to = "J. Doe <care@brand.test>";
  h = Headers(BuildMime(m, "shop@example.com", absl::Now()));
  CHECK(h.Find("Reply-To")->addresses == std::vector<Address>{{"J. Doe", "care@brand.test"}});
}

TEST_CASE("custom headers: in order, values encoded, refused names left out") {
  OutgoingMessage m = Message();
  m.headers = {{"X-Campaign", "Été 2024 – soldes"},
               {"From", "evil@example.com"},
               {"content-type", "text/plain"},
               {"X Bad", "1"},
               {"Bcc", "evil@example.com"},
               {"List-Unsubscribe", "<https://evil.test/>"},
               {"X-Injected", "a\r\nBcc: evil@example.com"},
               {"Precedence", "bulk"},
               {"X-Campaign", "second"}};
  const std::string mime = BuildMime(m, "shop@example.com", absl::Now());
  for (const std::string& line : testing::HeaderLines(mime)) CHECK(line.size() <= 78);
  testing::DecodedHeaders h = Headers(mime);
  CHECK(Count(h, "From") == 1);
  CHECK(h.Find("From")->value == "shop@example.com");
  CHECK(Count(h, "Content-Type") == 1);
  CHECK(h.Find("Content-Type")->value != "text/plain");
  CHECK(Count(h, "Bcc") == 0);
  CHECK(Count(h, "List-Unsubscribe") == 0);
  CHECK(Count(h, "X Bad") == 0);
  CHECK(h.Find("X-Injected")->value == "a  Bcc: evil@example.com");
  CHECK(h.Find("Precedence")->value == "bulk");
  std::vector<std::string> campaigns;
  for (const testing::DecodedField& f : h.fields) {
    if (f.name == "X-Campaign") campaigns.push_back(f.value);
  }
  CHECK(campaigns == std::vector<std::string>{"Été 2024 – soldes", "second"});
}

TEST_CASE("List-Unsubscribe, with RFC 8058's one-click Post only for an https URI") {
  OutgoingMessage m = Message();
  m.list_unsubscribe = "<https://brand.test/u/1?t=" + std::string(80, 'x') +
                       ">, <mailto:u@brand.test?subject=unsubscribe>";
  m.list_unsubscribe_post = true;
  std::string mime = BuildMime(m, "shop@example.com", absl::Now());
  CHECK(absl::StrContains(mime, "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
  CHECK(!absl::StrContains(mime, "=?UTF-8?"));
  testing::DecodedHeaders h = Headers(mime);
  CHECK(h.Find("List-Unsubscribe")->value == m.list_unsubscribe);
  CHECK(Count(h, "List-Unsubscribe-Post") == 1);

  m.list_unsubscribe_post = false;
  h = Headers(BuildMime(m, "shop@example.com", absl::Now()));
  CHECK(h.Find("List-Unsubscribe")->value == m.list_unsubscribe);
  CHECK(Count(h, "List-Unsubscribe-Post") == 0);

  m.list_unsubscribe = "<mailto:u@brand.test>";  // one-click needs https
  m.list_unsubscribe_post = true;
  h = Headers(BuildMime(m, "shop@example.com", absl::Now()));
  CHECK(h.Find("List-Unsubscribe")->value == "<mailto:u@brand.test>");
  CHECK(Count(h, "List-Unsubscribe-Post") == 0);

  m.list_unsubscribe.clear();
  h = Headers(BuildMime(m, "shop@example.com", absl::Now()));
  CHECK(Count(h, "List-Unsubscribe") == 0);
  CHECK(Count(h, "List-Unsubscribe-Post") == 0);
}

TEST_CASE("attachments: multipart/mixed around the alternative, one part each") {
  OutgoingMessage m = Message();
  std::string pdf = "%PDF-1.7\n";
  for (int i = 0; i < 3000; ++i) pdf.push_back(static_cast<char>(i * 7 % 256));
  const std::string png("\x89PNG\r\n\x1a\n\0\0", 10);
  m.attachments = {{"Facture n°7.pdf", "application/pdf", pdf}, {"logo.png", "image/png", png}};
  const std::string mime = BuildMime(m, "shop@example.com", absl::Now());

  const std::vector<testing::DecodedPart> parts = Parts(mime);
  REQUIRE(parts.size() == 6);
  CHECK(parts[0].content_type == "multipart/mixed");
  CHECK(parts[0].depth == 0);
  CHECK(parts[1].content_type == "multipart/alternative");
  CHECK(parts[1].depth == 1);
  CHECK(parts[2].content_type == "text/plain");
  CHECK(parts[2].depth == 2);
  CHECK(parts[2].payload == "Hello Ana");
  CHECK(parts[3].content_type == "text/html");
  CHECK(parts[3].payload == "<p>Hello Ana</p>");
  CHECK(parts[0].boundary != parts[1].boundary);
  CHECK(parts[0].boundary.size() <= 66);
  CHECK(parts[1].boundary.size() <= 66);

  CHECK(parts[4].depth == 1);
  CHECK(parts[4].content_type == "application/pdf");
  CHECK(parts[4].disposition == "attachment");
  CHECK(parts[4].filename == "Facture n°7.pdf");
  CHECK(parts[4].name == "Facture n°7.pdf");
  CHECK(parts[4].transfer_encoding == "base64");
  CHECK(parts[4].payload == pdf);
  CHECK(parts[5].content_type == "image/png");
  CHECK(parts[5].filename == "logo.png");
  CHECK(parts[5].payload == png);

  // As written: RFC 2231 for the non-ASCII name, a quoted string for the other; base64 in
  // lines of 76; every delimiter where it belongs and nowhere else.
  CHECK(absl::StrContains(
      mime, "Content-Type: multipart/mixed;\r\n boundary=\"" + parts[0].boundary + "\"\r\n"));
  CHECK(
      absl::StrContains(mime,
                        "Content-Type: application/pdf;\r\n name*=UTF-8''Facture%20n%C2%B07.pdf\r\n"
                        "Content-Disposition: attachment;\r\n"
                        " filename*=UTF-8''Facture%20n%C2%B07.pdf\r\n"
                        "Content-Transfer-Encoding: base64\r\n\r\n"));
  CHECK(absl::StrContains(mime,
                          "Content-Type: image/png;\r\n name=\"logo.png\"\r\n"
                          "Content-Disposition: attachment;\r\n filename=\"logo.png\"\r\n"));
  std::map<std::string, int> delimiters;
  for (const std::string& line : Lines(mime)) {
    CHECK(line.size() <= 78);
    if (absl::StartsWith(line, "--")) ++delimiters[line];
  }
  const std::string outer = "--" + parts[0].boundary, inner = "--" + parts[1].boundary;
  CHECK(delimiters ==
        std::map<std::string, int>{{outer, 3}, {outer + "--", 1}, {inner, 2}, {inner + "--", 1}});
  const size_t pdf_body = mime.find("\r\n\r\n", mime.find("filename*=UTF-8''Facture")) + 4;
  const std::string pdf_lines = mime.substr(pdf_body, mime.find(outer, pdf_body) - pdf_body);
  std::string pdf_b64;
  for (absl::string_view line : absl::StrSplit(pdf_lines, "\r\n", absl::SkipEmpty())) {
    CHECK(line.size() <= 76);
    pdf_b64 += std::string(line);
  }
  std::string decoded;
  REQUIRE(absl::Base64Unescape(pdf_b64, &decoded));
  CHECK(decoded == pdf);
}

TEST_CASE("attachments: a single-part body, odd names and types, an empty file") {
  OutgoingMessage m = Message();
  m.html.clear();
  m.message_id = "<ev-batch-1234567890123@mail.a-rather-long-message-id-domain.example.com>";
  const std::string long_name =
      "Relevé de compte – janvier à décembre 2024, établi le 31 décembre (copie).pdf";
  const std::string long_ascii(90, 'r');
  m.attachments = {{"../../etc/passwd", "", "root"},
                   {"", "not a type", ""},
                   {long_name, "Application/PDF; charset=binary", "%PDF"},
                   {long_ascii + ".txt", "text/plain; charset=UTF-8", "plain"},
                   {"say \"hi\".txt\r\n", "text/plain", "hi"}};
  const std::string mime = BuildMime(m, "shop@example.com", absl::Now());
  for (const std::string& line : Lines(mime)) {
    if (!absl::StartsWith(line, "Message-ID: ")) CHECK(line.size() <= 78);  // the caller's
  }
  const std::vector<testing::DecodedPart> parts = Parts(mime);
  REQUIRE(parts.size() == 7);
  CHECK(parts[0].content_type == "multipart/mixed");
  CHECK(parts[0].boundary.size() <= 66);
  CHECK(parts[1].content_type == "text/plain");
  CHECK(parts[1].payload == "Hello Ana");
  CHECK(parts[2].filename == ".._.._etc_passwd");
  CHECK(parts[2].content_type == "application/octet-stream");
  CHECK(parts[2].payload == "root");
  CHECK(parts[3].filename == "attachment");
  CHECK(parts[3].content_type == "application/octet-stream");
  CHECK(parts[3].payload.empty());
  CHECK(parts[4].filename == long_name);  // RFC 2231 sections
  CHECK(parts[4].name == long_name);
  CHECK(parts[4].content_type == "application/pdf");
  CHECK(absl::StrContains(mime, " filename*0*=UTF-8''Relev%C3%A9"));
  CHECK(absl::StrContains(mime, " filename*1*="));
  CHECK(parts[5].filename == long_ascii + ".txt");
  CHECK(parts[5].charset == "utf-8");
  CHECK(parts[5].payload == "plain");
  CHECK(parts[6].filename == "say \"hi\".txt");
  CHECK(absl::StrContains(mime, " filename=\"say \\\"hi\\\".txt\"\r\n"));
}

TEST_CASE("envelope address from a display name") {
  CHECK(EnvelopeAddress("Shop <shop@example.com>") == "shop@example.com");
  CHECK(EnvelopeAddress("shop@example.com") == "shop@example.com");
}

}  // namespace
}  // namespace mc::execution
