#include "common/script/locale_format.h"

#include <unicode/datefmt.h>
#include <unicode/locid.h>
#include <unicode/numberformatter.h>
#include <unicode/simpletz.h>
#include <unicode/smpdtfmt.h>
#include <unicode/unistr.h>
#include <unicode/ures.h>

#include <cmath>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace mc::script {
namespace {

bool AllOf(absl::string_view s, bool (*pred)(unsigned char)) {
  for (char c : s) {
    if (!pred(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Whether ICU has data for the locale's language (else it falls back to its default locale).
bool IcuKnows(const std::string& id) {
  UErrorCode status = U_ZERO_ERROR;
  UResourceBundle* bundle = ures_open(nullptr, id.c_str(), &status);
  if (bundle != nullptr) ures_close(bundle);
  return U_SUCCESS(status) && status != U_USING_DEFAULT_WARNING;
}

std::string Utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

icu::UnicodeString Utf16(absl::string_view s) {
  return icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
}

// The zone a date is shown in: UTC, or the fixed offset it was written with.
icu::TimeZone* ZoneOf(const DateValue& date) {
  if (date.offset_minutes == 0) return icu::TimeZone::createTimeZone("UTC");
  int minutes = std::abs(date.offset_minutes);
  std::string id = absl::StrFormat("GMT%c%02d:%02d", date.offset_minutes < 0 ? '-' : '+',
                                   minutes / 60, minutes % 60);
  return new icu::SimpleTimeZone(date.offset_minutes * 60 * 1000, Utf16(id));
}

absl::StatusOr<std::string> FormatAccTokens(const DateValue& date, absl::string_view format) {
  const absl::Time t = absl::FromUnixMillis(date.epoch_ms);
  const absl::CivilSecond c = absl::ToCivilSecond(t, absl::FixedTimeZone(date.offset_minutes * 60));
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out.push_back(format[i]);
      continue;
    }
    size_t j = i + 1;
    int width = 0;
    if (j < format.size() && absl::ascii_isdigit(static_cast<unsigned char>(format[j]))) {
      width = format[j] - '0';
      ++j;
    }
    if (j >= format.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("formatDate: '%' at the end of the format '", format, "'"));
    }
    int64_t value = 0;
    switch (format[j]) {
      case '%':
        out.push_back('%');
        i = j;
        continue;
      case 'D':
        value = c.day();
        break;
      case 'M':
        value = c.month();
        break;
      case 'Y':
        value = c.year();
        if (width == 2) value = ((value % 100) + 100) % 100;
        break;
      case 'H':
        value = c.hour();
        break;
      case 'N':
        value = c.minute();
        break;
      case 'S':
        value = c.second();
        break;
      default:
        return absl::InvalidArgumentError(
            absl::StrCat("formatDate: unknown token '", format.substr(i, j - i + 1),
                         "' (%D, %M, %Y, %H, %N, %S, each with an optional width: %2D)"));
    }
    absl::StrAppendFormat(&out, "%0*d", width, value);
    i = j;
  }
  return out;
}

}  // namespace

std::string LocaleId(absl::string_view language, absl::string_view country) {
  std::string lang = absl::AsciiStrToLower(language);
  std::string region = absl::AsciiStrToUpper(country);
  size_t sep = lang.find_first_of("-_");
  if (sep != std::string::npos) {
    if (region.empty()) region = absl::AsciiStrToUpper(absl::string_view(lang).substr(sep + 1));
    lang.resize(sep);
  }
  if (lang.size() < 2 || lang.size() > 3 || !AllOf(lang, &absl::ascii_isalpha)) return "en_US";
  const bool region_ok = (region.size() == 2 && AllOf(region, &absl::ascii_isalpha)) ||
                         (region.size() == 3 && AllOf(region, &absl::ascii_isdigit));
  std::string id = region_ok ? absl::StrCat(lang, "_", region) : lang;
  return IcuKnows(id) ? id : "en_US";
}

absl::StatusOr<DateValue> ParseIsoDate(absl::string_view text) {
  auto fail = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("formatDate: '", text,
                     "' is not an ISO 8601 date (2024-03-05, 2024-03-05T14:07:09Z, "
                     "2024-03-05T14:07:09.123+01:00)"));
  };
  size_t pos = 0;
  // `n` digits at pos, as a number.
  auto digits = [&](size_t n, int* out) {
    if (pos + n > text.size()) return false;
    int v = 0;
    for (size_t k = 0; k < n; ++k) {
      char ch = text[pos + k];
      if (!absl::ascii_isdigit(static_cast<unsigned char>(ch))) return false;
      v = v * 10 + (ch - '0');
    }
    *out = v;
    pos += n;
    return true;
  };
  auto expect = [&](char ch) {
    if (pos < text.size() && text[pos] == ch) {
      ++pos;
      return true;
    }
    return false;
  };
  int year, month, day, hour = 0, minute = 0, second = 0, millis = 0, offset = 0;
  if (!digits(4, &year) || !expect('-') || !digits(2, &month) || !expect('-') || !digits(2, &day)) {
    return fail();
  }
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return fail();
    ++pos;
    if (!digits(2, &hour) || !expect(':') || !digits(2, &minute)) return fail();
    if (expect(':')) {
      if (!digits(2, &second)) return fail();
      if (expect('.') || expect(',')) {
        size_t start = pos;
        int scale = 100;
        while (pos < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[pos]))) {
          millis += (text[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (pos == start) return fail();
      }
    }
    if (expect('Z') || expect('z')) {
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      const int sign = text[pos] == '-' ? -1 : 1;
      ++pos;
      int oh = 0, om = 0;
      if (!digits(2, &oh)) return fail();
      if (expect(':')) {
        if (!digits(2, &om)) return fail();
      } else if (pos < text.size()) {
        if (!digits(2, &om)) return fail();
      }
      if (oh > 23 || om > 59) return fail();
      offset = sign * (oh * 60 + om);
    }
    if (pos != text.size()) return fail();
  }
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
    return fail();
  }
  const absl::CivilSecond civil(year, month, day, hour, minute, second);
  if (civil.day() != day) return fail();  // 2024-02-30 normalises into March
  const absl::Time t = absl::FromCivil(civil, absl::FixedTimeZone(offset * 60));
  return DateValue{.epoch_ms = absl::ToUnixMillis(t) + millis, .offset_minutes = offset};
}

absl::StatusOr<std::string> FormatDate(const DateValue& date, absl::string_view format,
                                       absl::string_view locale) {
  if (format.find('%') != absl::string_view::npos) return FormatAccTokens(date, format);
  const icu::Locale loc(std::string(locale).c_str());
  std::unique_ptr<icu::DateFormat> formatter;
  const struct {
    absl::string_view word;
    icu::DateFormat::EStyle style;
  } kStyles[] = {{"short", icu::DateFormat::kShort},
                 {"medium", icu::DateFormat::kMedium},
                 {"long", icu::DateFormat::kLong},
                 {"full", icu::DateFormat::kFull}};
  for (const auto& s : kStyles) {
    if (format == s.word) formatter.reset(icu::DateFormat::createDateInstance(s.style, loc));
  }
  if (formatter == nullptr) {
    if (format.empty()) return absl::InvalidArgumentError("formatDate: empty format");
    UErrorCode status = U_ZERO_ERROR;
    formatter = std::make_unique<icu::SimpleDateFormat>(Utf16(format), loc, status);
    if (U_FAILURE(status)) {
      return absl::InvalidArgumentError(absl::StrCat("formatDate: ICU refuses the pattern '",
                                                     format, "' (", u_errorName(status), ")"));
    }
  }
  if (formatter == nullptr) return absl::InternalError("formatDate: ICU made no formatter");
  formatter->adoptTimeZone(ZoneOf(date));
  icu::UnicodeString out;
  formatter->format(static_cast<UDate>(date.epoch_ms), out);
  return Utf8(out);
}

absl::StatusOr<std::string> FormatNumber(double n, int decimals, absl::string_view locale) {
  if (decimals > 20) {
    return absl::InvalidArgumentError(
        absl::StrCat("formatNumber: ", decimals, " decimals (at most 20)"));
  }
  const icu::Locale loc(std::string(locale).c_str());
  UErrorCode status = U_ZERO_ERROR;
  auto formatter = icu::number::NumberFormatter::withLocale(loc).precision(
      decimals >= 0 ? icu::number::Precision::fixedFraction(decimals)
                    : icu::number::Precision::maxFraction(3));
  icu::UnicodeString out = formatter.formatDouble(n, status).toString(status);
  if (U_FAILURE(status)) {
    return absl::InvalidArgumentError(absl::StrCat("formatNumber: ", u_errorName(status)));
  }
  return Utf8(out);
}

absl::StatusOr<std::string> FormatCurrency(double n, absl::string_view currency,
                                           absl::string_view locale) {
  const std::string code = absl::AsciiStrToUpper(currency);
  if (code.size() != 3 || !AllOf(code, &absl::ascii_isalpha)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "formatCurrency: '", currency, "' is not an ISO 4217 currency code (EUR, USD, JPY)"));
  }
  const icu::Locale loc(std::string(locale).c_str());
  UErrorCode status = U_ZERO_ERROR;
  const icu::CurrencyUnit unit(Utf16(code).getTerminatedBuffer(), status);
  icu::UnicodeString out;
  if (U_SUCCESS(status)) {
    out = icu::number::NumberFormatter::withLocale(loc).unit(unit).formatDouble(n, status).toString(
        status);
  }
  if (U_FAILURE(status)) {
    return absl::InvalidArgumentError(
        absl::StrCat("formatCurrency: ICU refuses '", currency, "' (", u_errorName(status), ")"));
  }
  return Utf8(out);
}

std::string EscapeXml(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace mc::script
