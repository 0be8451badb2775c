#include "common/script/locale_format.h"

#include <catch2/catch.hpp>

namespace mc::script {
namespace {

// 2024-03-05T14:07:09.250Z
constexpr DateValue kDate{.epoch_ms = 1709647629250};

std::string Date(const DateValue& d, const char* format, const char* locale) {
  absl::StatusOr<std::string> out = FormatDate(d, format, locale);
  REQUIRE(out.ok());
  return *out;
}

std::string Number(double n, int decimals, const char* locale) {
  absl::StatusOr<std::string> out = FormatNumber(n, decimals, locale);
  REQUIRE(out.ok());
  return *out;
}

std::string Currency(double n, const char* code, const char* locale) {
  absl::StatusOr<std::string> out = FormatCurrency(n, code, locale);
  REQUIRE(out.ok());
  return *out;
}

TEST_CASE("the locale of an event's language and country") {
  CHECK(LocaleId("fr", "FR") == "fr_FR");
  CHECK(LocaleId("FR", "fr") == "fr_FR");
  CHECK(LocaleId("fr-CA", "") == "fr_CA");
  CHECK(LocaleId("de_DE", "") == "de_DE");
  CHECK(LocaleId("ja", "JP") == "ja_JP");
  CHECK(LocaleId("de", "") == "de");
  CHECK(LocaleId("de", "Germany") == "de");
  CHECK(LocaleId("", "FR") == "en_US");
  CHECK(LocaleId("zz", "ZZ") == "en_US");
  CHECK(LocaleId("français", "FR") == "en_US");
  CHECK(LocaleId("x", "") == "en_US");
}

TEST_CASE("ISO 8601 dates") {
  auto parse = [](const char* text) {
    absl::StatusOr<DateValue> d = ParseIsoDate(text);
    REQUIRE(d.ok());
    return *d;
  };
  CHECK(parse("2024-03-05").epoch_ms == 1709596800000);
  CHECK(parse("2024-03-05T14:07:09.25Z").epoch_ms == kDate.epoch_ms);
  CHECK(parse("2024-03-05 14:07:09.250").epoch_ms == kDate.epoch_ms);
  CHECK(parse("2024-03-05T14:07").epoch_ms == 1709647620000);
  DateValue paris = parse("2024-03-05T15:07:09.250+01:00");
  CHECK(paris.epoch_ms == kDate.epoch_ms);
  CHECK(paris.offset_minutes == 60);
  CHECK(parse("2024-03-05T09:37:09-0430").offset_minutes == -270);
  CHECK(parse("2024-03-05T16:07:09+02").offset_minutes == 120);
  for (const char* bad :
       {"", "2024", "2024-3-5", "2024-02-30", "2024-13-01", "2024-03-05T25:00",
        "2024-03-05T14:07:09X", "2024-03-05T14:07:09+1", "yesterday", "2024-03-05T14:07:09.Z"}) {
    absl::StatusOr<DateValue> d = ParseIsoDate(bad);
    CHECK_FALSE(d.ok());
    CHECK(d.status().message().rfind("formatDate: '", 0) == 0);
  }
}

TEST_CASE("ACC's date tokens, in UTC or in the date's own offset") {
  CHECK(Date(kDate, "%2D/%2M/%4Y %2H:%2N:%2S", "en_US") == "05/03/2024 14:07:09");
  CHECK(Date(kDate, "%D.%M.%2Y %H:%N", "de_DE") == "5.3.24 14:7");
  CHECK(Date(kDate, "100%% %4Y", "en_US") == "100% 2024");
  CHECK(Date({.epoch_ms = kDate.epoch_ms, .offset_minutes = -300}, "%2H:%2N", "en_US") == "09:07");
  CHECK(Date({.epoch_ms = kDate.epoch_ms, .offset_minutes = 540}, "%2D %2H", "ja_JP") == "05 23");
  absl::StatusOr<std::string> bad = FormatDate(kDate, "%2Q", "en_US");
  CHECK(bad.status().message().rfind("formatDate: unknown token '%2Q'", 0) == 0);
  CHECK_FALSE(FormatDate(kDate, "50%", "en_US").ok());
}

TEST_CASE("date styles and patterns per locale (what ICU 72 writes)") {
  struct Row {
    const char* locale;
    const char *short_, *medium, *long_, *full, *pattern;
  };
  const Row rows[] = {
      {"en_US", "3/5/24", "Mar 5, 2024", "March 5, 2024", "Tuesday, March 5, 2024",
       "5 March 2024 14:07"},
      {"fr_FR", "05/03/2024", "5 mars 2024", "5 mars 2024", "mardi 5 mars 2024",
       "5 mars 2024 14:07"},
      {"de_DE", "05.03.24", "05.03.2024", "5. März 2024", "Dienstag, 5. März 2024",
       "5 März 2024 14:07"},
      {"ja_JP", "2024/03/05", "2024/03/05", "2024年3月5日", "2024年3月5日火曜日",
       "5 3月 2024 14:07"},
  };
  for (const Row& r : rows) {
    INFO(r.locale);
    CHECK(Date(kDate, "short", r.locale) == r.short_);
    CHECK(Date(kDate, "medium", r.locale) == r.medium);
    CHECK(Date(kDate, "long", r.locale) == r.long_);
    CHECK(Date(kDate, "full", r.locale) == r.full);
    CHECK(Date(kDate, "d MMMM yyyy HH:mm", r.locale) == r.pattern);
  }
  // Shown in the offset the date was written with; the zone named as ICU names it.
  CHECK(Date({.epoch_ms = kDate.epoch_ms, .offset_minutes = 60}, "HH:mm z", "en_US") ==
        "15:07 GMT+1");
  CHECK(Date(kDate, "HH:mm z", "en_US") == "14:07 UTC");
  CHECK(Date(kDate, "'le' d MMMM", "fr_FR") == "le 5 mars");
}

TEST_CASE("numbers per locale (what ICU 72 writes)") {
  struct Row {
    const char* locale;
    const char *plain, *two, *none, *negative;
  };
  const Row rows[] = {
      {"en_US", "1,234,567.891", "1,234,567.89", "1,234,568", "-0.5"},
      {"fr_FR", "1\u202F234\u202F567,891", "1\u202F234\u202F567,89", "1\u202F234\u202F568", "-0,5"},
      {"de_DE", "1.234.567,891", "1.234.567,89", "1.234.568", "-0,5"},
      {"ja_JP", "1,234,567.891", "1,234,567.89", "1,234,568", "-0.5"},
  };
  for (const Row& r : rows) {
    INFO(r.locale);
    CHECK(Number(1234567.8912, -1, r.locale) == r.plain);
    CHECK(Number(1234567.8912, 2, r.locale) == r.two);
    CHECK(Number(1234567.8912, 0, r.locale) == r.none);
    CHECK(Number(-0.5, -1, r.locale) == r.negative);
  }
  CHECK(Number(2.5, 0, "en_US") == "2");  // ICU rounds half-even
  CHECK(Number(12, 2, "en_US") == "12.00");
  CHECK_FALSE(FormatNumber(1, 21, "en_US").ok());
}

TEST_CASE("currencies per locale (what ICU 72 writes)") {
  struct Row {
    const char* locale;
    const char *eur, *eur_big, *usd, *jpy;
  };
  const Row rows[] = {
      {"en_US", "€12.50", "€1,234,567.89", "-$1,234.50", "¥1,234"},
      {"fr_FR", "12,50\u00A0€", "1\u202F234\u202F567,89\u00A0€", "-1\u202F234,50\u00A0$US",
       "1\u202F234\u00A0JPY"},
      {"de_DE", "12,50\u00A0€", "1.234.567,89\u00A0€", "-1.234,50\u00A0$", "1.234\u00A0¥"},
      {"ja_JP", "€12.50", "€1,234,567.89", "-$1,234.50", "￥1,234"},
  };
  for (const Row& r : rows) {
    INFO(r.locale);
    CHECK(Currency(12.5, "EUR", r.locale) == r.eur);
    CHECK(Currency(1234567.891, "eur", r.locale) == r.eur_big);
    CHECK(Currency(-1234.5, "USD", r.locale) == r.usd);
    CHECK(Currency(1234.5, "JPY", r.locale) == r.jpy);  // no yen fractions; half-even
  }
  absl::StatusOr<std::string> bad = FormatCurrency(1, "EURO", "en_US");
  CHECK(bad.status().message().rfind("formatCurrency: 'EURO' is not an ISO 4217", 0) == 0);
}

TEST_CASE("XML escaping as ACC's escapeXMLString") {
  CHECK(EscapeXml("<a href=\"x\">Tom & Jerry's</a>") ==
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  CHECK(EscapeXml("é plain") == "é plain");
}

}  // namespace
}  // namespace mc::script
