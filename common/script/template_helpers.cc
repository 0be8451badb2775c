#include "common/script/template_helpers.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/script/heap_state.h"
#include "common/script/locale_format.h"

// Duktape's errors are longjmps: no object with a destructor lives across a call that may throw
// (heap_state.h).

namespace mc::script::internal {
namespace {

// Pushes scratch as the helper's result, or throws it as a TypeError when !ok.
duk_ret_t ReturnScratch(duk_context* ctx, bool ok) {
  State* s = StateOf(ctx);
  if (!ok) return duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s", s->scratch.c_str());
  duk_push_lstring(ctx, s->scratch.data(), s->scratch.size());
  return 1;
}

// Stores `result` (or its error's message) in scratch; whether it was ok.
bool ToScratch(State* s, absl::StatusOr<std::string> result) {
  if (!result.ok()) {
    s->scratch = std::string(result.status().message());
    return false;
  }
  s->scratch = *std::move(result);
  return true;
}

bool IsMissing(duk_context* ctx, duk_idx_t idx) {
  if (duk_is_null_or_undefined(ctx, idx)) return true;
  duk_size_t len = 1;
  if (duk_is_string(ctx, idx)) (void)duk_get_lstring(ctx, idx, &len);
  return len == 0;
}

// The number at idx (a number, a numeric string, a Number); throws a TypeError naming `helper`.
double NumberArg(duk_context* ctx, duk_idx_t idx, const char* helper) {
  duk_dup(ctx, idx);
  double n = duk_to_number(ctx, -1);
  duk_pop(ctx);
  if (std::isnan(n)) {
    duk_dup(ctx, idx);
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s: '%s' is not a number", helper,
                    duk_safe_to_string(ctx, -1));
  }
  return n;
}

}  // namespace

// formatDate(value, format = "medium"): value an ISO 8601 string, milliseconds since the epoch
// or a Date; undefined, null and "" give "".
duk_ret_t FormatDateHelper(duk_context* ctx) {
  State* s = StateOf(ctx);
  if (IsMissing(ctx, 0)) {
    duk_push_string(ctx, "");
    return 1;
  }
  const char* format = duk_is_undefined(ctx, 1) ? "medium" : duk_require_string(ctx, 1);
  double ms = 0;
  if (!duk_is_string(ctx, 0)) {
    duk_dup(ctx, 0);
    ms = duk_to_number(ctx, -1);  // a Date's valueOf: its milliseconds
    duk_pop(ctx);
    if (!std::isfinite(ms) || std::fabs(ms) > 8.64e15) {
      return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                       "formatDate: the value is not a date (an ISO 8601 string, milliseconds "
                       "since 1970 or a Date)");
    }
  }
  bool ok;
  {
    duk_size_t len = 0;
    const char* text = duk_is_string(ctx, 0) ? duk_get_lstring(ctx, 0, &len) : nullptr;
    absl::StatusOr<DateValue> date =
        text != nullptr
            ? ParseIsoDate(absl::string_view(text, len))
            : absl::StatusOr<DateValue>(DateValue{.epoch_ms = static_cast<int64_t>(ms)});
    ok = date.ok() ? ToScratch(s, FormatDate(*date, format, s->Locale()))
                   : ToScratch(s, date.status());
  }
  return ReturnScratch(ctx, ok);
}

// formatNumber(n, decimals): decimals omitted lets ICU choose (at most 3).
duk_ret_t FormatNumberHelper(duk_context* ctx) {
  State* s = StateOf(ctx);
  if (IsMissing(ctx, 0)) {
    duk_push_string(ctx, "");
    return 1;
  }
  double n = NumberArg(ctx, 0, "formatNumber");
  int decimals = -1;
  if (!duk_is_undefined(ctx, 1)) {
    double d = duk_require_number(ctx, 1);
    if (!(d >= 0 && d <= 20) || d != std::floor(d)) {
      return duk_error(ctx, DUK_ERR_RANGE_ERROR, "formatNumber: decimals must be 0 to 20");
    }
    decimals = static_cast<int>(d);
  }
  const bool ok = ToScratch(s, FormatNumber(n, decimals, s->Locale()));
  return ReturnScratch(ctx, ok);
}

// formatCurrency(n, "EUR").
duk_ret_t FormatCurrencyHelper(duk_context* ctx) {
  State* s = StateOf(ctx);
  if (IsMissing(ctx, 0)) {
    duk_push_string(ctx, "");
    return 1;
  }
  double n = NumberArg(ctx, 0, "formatCurrency");
  const char* code = duk_require_string(ctx, 1);
  const bool ok = ToScratch(s, FormatCurrency(n, code, s->Locale()));
  return ReturnScratch(ctx, ok);
}

duk_ret_t EscapeXmlHelper(duk_context* ctx) {
  State* s = StateOf(ctx);
  if (duk_is_null_or_undefined(ctx, 0)) {
    duk_push_string(ctx, "");
    return 1;
  }
  duk_size_t len;
  const char* text = duk_safe_to_lstring(ctx, 0, &len);
  s->scratch = EscapeXml(absl::string_view(text, len));
  return ReturnScratch(ctx, true);
}

}  // namespace mc::script::internal
