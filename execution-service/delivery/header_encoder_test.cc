#include "execution-service/delivery/header_encoder.h"

#include <catch2/catch.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/testing/mail_headers.h"

namespace mc::execution {
namespace {

// `count` characters (code points): `unit` repeated, cut after a whole character.
std::string Characters(const std::string& unit, size_t count) {
  std::string out;
  size_t n = 0;
  for (size_t i = 0;; i = (i + 1) % unit.size()) {
    const bool starts_character = (static_cast<unsigned char>(unit[i]) & 0xC0) != 0x80;
    if (starts_character && n++ == count) return out;
    out.push_back(unit[i]);
  }
}

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// True when `bytes` is whole UTF-8 characters: starts on a character, ends after one.
bool WholeCharacters(const std::string& bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    const unsigned char c = bytes[i];
    const size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (n == 0 || i + n > bytes.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(bytes[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// Checks one encoded field against RFC 5322 and RFC 2047, and returns how Python decodes it.
// `plain`: the value was printable ASCII words that fit, so no encoded-word is expected.
// `valid`: the value is valid for the field, so Python must find no defect.
testing::DecodedField Decode(const std::string& field, const std::string& name, bool plain = false,
                             bool valid = true) {
  INFO(field);
  REQUIRE(absl::EndsWith(field, "\r\n"));
  REQUIRE(absl::StartsWith(field, name + ": "));
  const std::string body = field.substr(0, field.size() - 2);
  for (absl::string_view line : absl::StrSplit(body, "\r\n")) {
    CHECK(line.size() <= 998);
    const bool encoded = absl::StrContains(line, "=?UTF-8?B?");
    CHECK(line.size() <= (encoded ? 76u : 78u));
    CHECK(line.find_first_of("\r\n") == absl::string_view::npos);
    if (plain) CHECK_FALSE(encoded);
    for (absl::string_view word : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
      if (!absl::StartsWith(word, "=?")) continue;
      CHECK(word.size() <= 75);
      REQUIRE(absl::StartsWith(word, "=?UTF-8?B?"));
      REQUIRE(absl::EndsWith(word, "?="));
      std::string bytes;
      REQUIRE(absl::Base64Unescape(word.substr(10, word.size() - 12), &bytes));
      CHECK(WholeCharacters(bytes));
    }
  }
  // Continuation lines start with white space (a fold), the first does not.
  const std::vector<std::string> lines = testing::HeaderLines(field + "\r\n");
  for (size_t i = 1; i < lines.size(); ++i) CHECK(lines[i][0] == ' ');
  absl::StatusOr<testing::DecodedHeaders> decoded =
      testing::DecodeMailHeaders(field + "\r\nbody\r\n");
  INFO(decoded.status());
  REQUIRE(decoded.ok());
  REQUIRE(decoded->fields.size() == 1);
  CHECK(decoded->fields[0].name == name);
  if (valid) CHECK(decoded->fields[0].defects.empty());
  CHECK(decoded->message_defects.empty());
  return decoded->fields[0];
}

std::string CheckField(const std::string& field, const std::string& name, bool plain = false) {
  return Decode(field, name, plain).value;
}

TEST_CASE("subjects of every length fold and decode back exactly") {
  const std::vector<std::pair<const char*, std::string>> kinds = {
      {"ASCII words", "Your order A-17 has shipped and will arrive on Monday. "},
      {"one ASCII word", "x"},
      {"accented", "é"},
      {"mixed scripts", "Olá Ana, ça va? 注文 A-17 は発送されました 🎉 "},
  };
  for (const auto& [kind, unit] : kinds) {
    for (size_t length : {10u, 100u, 1000u, 5000u}) {
      INFO(kind << ", " << length << " characters");
      const std::string subject = Characters(unit, length);
      REQUIRE(CodePoints(subject) == length);
      CHECK(CheckField(EncodeUnstructuredField("Subject", subject), "Subject") == subject);
    }
  }
}

TEST_CASE("plain ASCII goes out as it is, folded at its spaces") {
  CHECK(EncodeUnstructuredField("Subject", "Plain") == "Subject: Plain\r\n");
  CHECK(EncodeUnstructuredField("Subject", "") == "Subject: \r\n");
  const std::string subject = Characters("Your order A-17 has shipped. ", 1000) + "end";
  const std::string field = EncodeUnstructuredField("Subject", subject);
  CHECK(CheckField(field, "Subject", /*plain=*/true) == subject);
  // Folding only put line breaks before spaces that were there.
  CHECK(absl::StrReplaceAll(field, {{"\r\n", ""}}) == "Subject: " + subject);
  CHECK(absl::StrContains(field, "\r\n "));
}

TEST_CASE("control characters become spaces and inject nothing") {
  const std::string subject = "Hello\r\nBcc: evil@example.com\tand\x01\x7f\xc2\x85 more\n";
  const std::string expected = "Hello  Bcc: evil@example.com and    more ";
  CHECK(SanitizeHeaderValue(subject) == expected);
  const std::string field = EncodeUnstructuredField("Subject", subject);
  CHECK(CheckField(field, "Subject") == expected);
  const std::string accented = "Olá\r\nBcc: evil@example.com";
  CHECK(CheckField(EncodeUnstructuredField("Subject", accented), "Subject") ==
        "Olá  Bcc: evil@example.com");
}

TEST_CASE("text that a decoder would take for an encoded-word is encoded itself") {
  const std::string subject = "Price =?UTF-8?B?w6k=?= today";
  CHECK(CheckField(EncodeUnstructuredField("Subject", subject), "Subject") == subject);
  CHECK(CheckField(EncodeUnstructuredField("Subject", "  spaced  out "), "Subject") ==
        "  spaced  out ");
}

TEST_CASE("mailboxes: the display name is encoded and folded, the address kept whole") {
  CHECK(EncodeMailboxField("From", "Shop <shop@example.com>") ==
        "From: Shop <shop@example.com>\r\n");
  CHECK(EncodeMailboxField("To", "ana@example.com") == "To: ana@example.com\r\n");

  using Address = std::pair<std::string, std::string>;
  auto from = Decode(EncodeMailboxField("From", "Boutique Éloïse <shop@example.com>"), "From");
  CHECK(from.addresses == std::vector<Address>{{"Boutique Éloïse", "shop@example.com"}});

  auto quoted =
      Decode(EncodeMailboxField("Reply-To", R"("Café, \"Inc.\"" <c@example.com>)"), "Reply-To");
  CHECK(quoted.addresses == std::vector<Address>{{R"(Café, "Inc.")", "c@example.com"}});

  // Several encoded-words: the address parser of Python 3.11 keeps the spaces between them
  // (gh-128110), so the display name is checked with the RFC 2047 decoder.
  const std::string long_name = Characters("Boutique Éloïse ", 600) + "end";
  const std::string field = EncodeMailboxField("From", long_name + " <shop@example.com>");
  CHECK(absl::EndsWith(field, " <shop@example.com>\r\n"));
  auto long_from = Decode(field, "From");
  CHECK(long_from.legacy_value == long_name + " <shop@example.com>");
  REQUIRE(long_from.addresses.size() == 1);
  CHECK(long_from.addresses[0].second == "shop@example.com");

  // A line break in the address: one field (Decode requires it), no Bcc, no raw CR or LF.
  auto to = Decode(EncodeMailboxField("To", "ana@example.com\r\nBcc: evil@example.com"), "To",
                   /*plain=*/false, /*valid=*/false);
  CHECK(to.value.find_first_of("\r\n") == std::string::npos);
}

TEST_CASE("mailboxes: an ASCII display name holding specials goes out quoted, one name") {
  using Address = std::pair<std::string, std::string>;
  CHECK(EncodeMailboxField("From", "Brand, Inc. <news@brand.test>") ==
        "From: \"Brand, Inc.\" <news@brand.test>\r\n");
  CHECK(EncodeMailboxField("From", "\"Brand, Inc.\" <news@brand.test>") ==
        "From: \"Brand, Inc.\" <news@brand.test>\r\n");
  const std::vector<std::pair<std::string, std::string>> names = {
      {"Brand, Inc.", "Brand, Inc."},     {"J. Doe", "J. Doe"},
      {"Shop (outlet)", "Shop (outlet)"}, {"a@b; c:d [e]", "a@b; c:d [e]"},
      {"Back\\slash", "Back\\slash"},     {R"("Say \"hi\"")", R"(Say "hi")"},
  };
  for (const auto& [display, decoded] : names) {
    INFO(display);
    const std::string field = EncodeMailboxField("Reply-To", display + " <care@brand.test>");
    CHECK(Decode(field, "Reply-To", /*plain=*/true).addresses ==
          std::vector<Address>{{decoded, "care@brand.test"}});
  }
  // Long: folded inside the quotes, still one name.
  const std::string long_name = Characters("Dupont, Durand et Fils. ", 200) + "SA";
  const std::string field = EncodeMailboxField("From", long_name + " <shop@brand.test>");
  CHECK(Decode(field, "From", /*plain=*/true).addresses ==
        std::vector<Address>{{long_name, "shop@brand.test"}});
}

TEST_CASE("structured fields: folded at spaces, never encoded, nothing injected") {
  CHECK(EncodeStructuredField("List-Unsubscribe", "<https://brand.test/u/1>") ==
        "List-Unsubscribe: <https://brand.test/u/1>\r\n");
  CHECK(EncodeStructuredField("List-Unsubscribe", "") == "List-Unsubscribe: \r\n");
  const std::string value = "<https://brand.test/u/" + std::string(100, 'a') +
                            ">,\r\n\t<mailto:unsubscribe@brand.test?subject=stop>";
  const std::string field = EncodeStructuredField("List-Unsubscribe", value);
  CHECK(field == "List-Unsubscribe: <https://brand.test/u/" + std::string(100, 'a') +
                     ">,\r\n <mailto:unsubscribe@brand.test?subject=stop>\r\n");
  absl::StatusOr<testing::DecodedHeaders> decoded =
      testing::DecodeMailHeaders(field + "\r\nbody\r\n");
  REQUIRE(decoded.ok());
  REQUIRE(decoded->fields.size() == 1);
  CHECK(decoded->fields[0].value == "<https://brand.test/u/" + std::string(100, 'a') +
                                        ">, <mailto:unsubscribe@brand.test?subject=stop>");
  CHECK(EncodeStructuredField("X", "a\r\nBcc: b") == "X: a Bcc: b\r\n");
}

}  // namespace
}  // namespace mc::execution
