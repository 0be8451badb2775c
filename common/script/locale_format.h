// Locale-aware formatting for templates (what formatDate, formatNumber and formatCurrency do in
// template code, see script_heap.h), on ICU's CLDR data: an event's language and country pick
// the locale, ICU writes the digits, separators, month names and currency symbols. ICU's own
// characters are kept as they are (fr_FR groups digits with U+202F, a narrow no-break space,
// and puts U+00A0 before "€").
//
// LocaleId("fr", "FR") is "fr_FR"; a language written with its region ("fr-FR", "fr_FR") is
// taken as it is when country is empty. An empty language, one that is not 2 or 3 letters, or
// one ICU has no data for gives "en_US"; a country that is not 2 letters or 3 digits is left out.
//
// Dates: a DateValue is an instant plus the UTC offset it was written with; it is shown in that
// offset (in UTC when it had none: numbers of milliseconds and Date objects are UTC).
// ParseIsoDate takes ISO 8601 as templates get it: "2024-03-05", "2024-03-05T14:07",
// "2024-03-05T14:07:09", with a fraction of seconds (".123"), and "Z", "+01:00", "+0100" or
// "+01"; 'T' or a space between date and time; no offset means UTC.
// FormatDate's format is one of:
//   - ACC's tokens: %D day, %M month, %Y year, %H hours (0-23), %N minutes, %S seconds, each
//     with an optional width digit that zero-pads (%2D: "05"; %4Y: "2024"; %2Y: the year's last
//     two digits, "24"); %% is a '%'; any other character is copied;
//   - a style word, the locale's own date (no time): "short", "medium", "long", "full"
//     (en_US: "3/5/24", "Mar 5, 2024", "March 5, 2024", "Tuesday, March 5, 2024");
//   - anything else: an ICU date pattern ("d MMMM yyyy HH:mm", quotes for literal text).
// FormatNumber groups digits as the locale does; decimals >= 0 fixes the fraction digits (0 to
// 20), decimals < 0 lets ICU choose (at most 3, rounded half-even). FormatCurrency writes n in
// the locale's currency format for an ISO 4217 code (3 letters, either case), with the
// currency's own fraction digits (EUR 2, JPY 0).
//
// Failure modes: INVALID_ARGUMENT for a date text that is not ISO 8601 or out of range, an
// unknown ACC token, a pattern or currency code ICU refuses, decimals past 20; the message
// starts with the helper's name ("formatDate: ..."). Pure functions (each builds its ICU
// formatter): thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace mc::script {

std::string LocaleId(absl::string_view language, absl::string_view country);

struct DateValue {
  int64_t epoch_ms = 0;    // milliseconds since 1970-01-01T00:00:00Z
  int offset_minutes = 0;  // the UTC offset it is shown in
};

[[nodiscard]] absl::StatusOr<DateValue> ParseIsoDate(absl::string_view text);

[[nodiscard]] absl::StatusOr<std::string> FormatDate(const DateValue& date,
                                                     absl::string_view format,
                                                     absl::string_view locale);

[[nodiscard]] absl::StatusOr<std::string> FormatNumber(double n, int decimals,
                                                       absl::string_view locale);

[[nodiscard]] absl::StatusOr<std::string> FormatCurrency(double n, absl::string_view currency,
                                                         absl::string_view locale);

// `text` with & < > " ' as XML character references (&amp; &lt; &gt; &quot; &#39;: the
// apostrophe's numeric form reads the same in XML and in every HTML mail client).
std::string EscapeXml(absl::string_view text);

}  // namespace mc::script
