#include "common/mail/mail_field_checks.h"

#include <catch2/catch.hpp>

#include "absl/strings/match.h"

namespace mc::mail {
namespace {

std::string Why(const absl::Status& s) {
  REQUIRE(!s.ok());
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  return std::string(s.message());
}

TEST_CASE("header names: ftext, and none the message writes itself") {
  for (const char* ok : {"X-Campaign", "Precedence", "Auto-Submitted", "Feedback-ID", "In-Reply-To",
                         "References", "X-Mailer!#$%&'*+^_`{|}~"}) {
    INFO(ok);
    CHECK(CheckHeaderName(ok).ok());
  }
  CHECK(Why(CheckHeaderName("")) == "empty header name");
  CHECK(absl::StrContains(Why(CheckHeaderName("X Campaign")), "no space and no ':'"));
  CHECK(absl::StrContains(Why(CheckHeaderName("X:Y")), "no space and no ':'"));
  CHECK(absl::StrContains(Why(CheckHeaderName("X-\r\nBcc")), "X-\\r\\nBcc"));
  CHECK(absl::StrContains(Why(CheckHeaderName("X-Caf\xc3\xa9")), "printable ASCII"));
  CHECK(absl::StrContains(Why(CheckHeaderName(std::string(77, 'X'))), "longer than 76"));
  CHECK(CheckHeaderName(std::string(76, 'X')).ok());
  for (const char* reserved : {"From",
                               "to",
                               "CC",
                               "Bcc",
                               "Sender",
                               "Reply-To",
                               "Subject",
                               "Date",
                               "Message-ID",
                               "MIME-Version",
                               "Content-Type",
                               "content-transfer-encoding",
                               "Content-Disposition",
                               "Return-Path",
                               "Received",
                               "Received-SPF",
                               "DKIM-Signature",
                               "ARC-Seal",
                               "Authentication-Results",
                               "Resent-From",
                               "List-Unsubscribe",
                               "List-Unsubscribe-Post"}) {
    INFO(reserved);
    CHECK(IsReservedHeaderName(reserved));
    CHECK(absl::StrContains(Why(CheckHeaderName(reserved)), "is written by the message itself"));
  }
  CHECK(Why(CheckHeaderName("Content-Type")) ==
        "header name \"Content-Type\" is written by the message itself, not as a custom header");
}

TEST_CASE("mailboxes: a display name and an address, or an address") {
  for (const char* ok :
       {"shop@example.com", "Shop <shop@example.com>", "Boutique Éloïse <shop@example.com>",
        "\"Doe, Jane\" <jane.doe+news@mail.example.com>", "<shop@example.com>",
        "  Shop <shop@example.com>  ", "Message Center <noreply@localhost>",
        "a!#$%&'*+-/=?^_`{|}~@example.com", "x@[192.0.2.1]", "Doe, Jane <j@xn--caf-dma.fr>"}) {
    INFO(ok);
    CHECK(CheckMailbox(ok).ok());
  }
  CHECK(Why(CheckMailbox("")) == "empty mailbox");
  CHECK(Why(CheckMailbox("Shop <shop@example.com>\r\nBcc: x@y.z")) ==
        "mailbox holds a control character (a line break?)");
  CHECK(Why(CheckMailbox("Shop <>")) == "no address");
  CHECK(Why(CheckMailbox("shop.example.com")) == "address \"shop.example.com\": no '@'");
  CHECK(Why(CheckMailbox("Shop <ana@>")) == "address \"ana@\": no domain");
  CHECK(Why(CheckMailbox("@example.com")) == "address \"@example.com\": no local part");
  CHECK(absl::StrContains(Why(CheckMailbox("Shop shop@example.com")), "holds a space"));
  CHECK(absl::StrContains(Why(CheckMailbox("Shop <shop@example.com")), "Display Name <"));
  CHECK(absl::StrContains(Why(CheckMailbox("shop@example.com>")), "'>' without '<'"));
  CHECK(absl::StrContains(Why(CheckMailbox("jos\xc3\xa9@example.com")), "must be ASCII"));
  CHECK(absl::StrContains(Why(CheckMailbox("a..b@example.com")), "the local part"));
  CHECK(absl::StrContains(Why(CheckMailbox(".a@example.com")), "the local part"));
  CHECK(absl::StrContains(Why(CheckMailbox("a@exa_mple.com")), "only letters, digits"));
  CHECK(absl::StrContains(Why(CheckMailbox("a@example..com")), "1 to 63"));
  CHECK(absl::StrContains(Why(CheckMailbox("a@-example.com")), "begins or ends with '-'"));
  CHECK(absl::StrContains(Why(CheckMailbox(std::string(65, 'a') + "@example.com")), "over 64"));
  CHECK(absl::StrContains(
      Why(CheckMailbox("a@" + std::string(62, 'b') + "." + std::string(62, 'c') + "." +
                       std::string(62, 'd') + "." + std::string(62, 'e') + ".com")),
      "longer than 254"));
}

TEST_CASE("List-Unsubscribe: <URI> entries, https, http or mailto") {
  CHECK(CheckListUnsubscribe("<https://brand.test/u/1>").ok());
  CHECK(CheckListUnsubscribe("<https://brand.test/u/1>, <mailto:u@brand.test?subject=stop>").ok());
  CHECK(CheckListUnsubscribe(" <mailto:u@brand.test> ,<HTTP://brand.test/u>").ok());
  CHECK(Why(CheckListUnsubscribe("")) == "List-Unsubscribe is empty");
  CHECK(Why(CheckListUnsubscribe("https://brand.test/u/1")) ==
        "List-Unsubscribe: entry 1 (\"https://brand.test/u/1\") is not <URI>");
  CHECK(absl::StrContains(Why(CheckListUnsubscribe("<https://a.test/u>, <ftp://a.test/u>")),
                          "entry 2: an https, http or mailto URI"));
  CHECK(absl::StrContains(Why(CheckListUnsubscribe("<https://a.test/u v>")), "without spaces"));
  CHECK(absl::StrContains(Why(CheckListUnsubscribe("<https://a.test/é>")), "percent-encode"));
  CHECK(absl::StrContains(Why(CheckListUnsubscribe("<https://a.test/u>\r\nBcc: x@y.z")),
                          "control character"));
  CHECK(HasHttpsUri("<mailto:u@brand.test>, <HTTPS://brand.test/u/1>"));
  CHECK_FALSE(HasHttpsUri("<mailto:u@brand.test>, <http://brand.test/u/1>"));
  CHECK_FALSE(HasHttpsUri(""));
}

TEST_CASE("media types: type/subtype tokens, lower-cased, a charset kept") {
  CHECK(NormalizeMediaType("application/pdf") == "application/pdf");
  CHECK(NormalizeMediaType(" Image/PNG ") == "image/png");
  CHECK(NormalizeMediaType("text/plain; charset=UTF-8; format=flowed") ==
        "text/plain; charset=utf-8");
  CHECK(NormalizeMediaType("text/csv;charset=\"ISO-8859-1\"") == "text/csv; charset=iso-8859-1");
  CHECK(NormalizeMediaType("text/plain; charset=\"a b\"") == "text/plain");
  CHECK(NormalizeMediaType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") ==
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  for (const char* bad : {"", "pdf", "application/", "/pdf", "application/p df",
                          "application/pdf\r\nBcc: x", "a/b/c", "text/plain\"", "é/x"}) {
    INFO(bad);
    CHECK(NormalizeMediaType(bad).empty());
    CHECK(absl::StrContains(Why(CheckMediaType(bad)), "is not a media type"));
  }
}

}  // namespace
}  // namespace mc::mail
