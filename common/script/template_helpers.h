// Internal to ScriptHeap: the helpers a template calls, as Duktape native functions on
// locale_format.h, in the running call's locale (State::language and State::country, LocaleId):
//   formatDate(value, format = "medium") (FormatDateHelper, 2 arguments): value an ISO 8601
//     string, milliseconds since 1970 or a Date;
//   formatNumber(n, decimals) (FormatNumberHelper, 2): decimals 0 to 20, or omitted to let ICU
//     choose (at most 3); n a number, a numeric string or a Number;
//   formatCurrency(n, "EUR") (FormatCurrencyHelper, 2);
//   escapeXMLString(text) (EscapeXmlHelper, 1): & < > " ' as XML character references.
// A missing value (undefined, null or "") gives "" (escapeXMLString: undefined and null).
//
// Failure modes: they throw (a Duktape error, in the running protected call) a TypeError for a
// value that is not a date ("formatDate: the value is not a date ...") or not a number
// ("formatNumber: 'x' is not a number"), a TypeError with locale_format's message for what it
// refuses (a date text that is not ISO 8601, an unknown token, pattern or currency code), a
// RangeError for decimals out of range, Duktape's TypeError for a format or currency code that
// is not a string. Thread safety: none; they use their heap's State (its scratch string and
// locale).
#pragma once

#include "duktape.h"

namespace mc::script::internal {

duk_ret_t FormatDateHelper(duk_context* ctx);
duk_ret_t FormatNumberHelper(duk_context* ctx);
duk_ret_t FormatCurrencyHelper(duk_context* ctx);
duk_ret_t EscapeXmlHelper(duk_context* ctx);

}  // namespace mc::script::internal
