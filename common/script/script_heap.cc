#include "common/script/script_heap.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/script/locale_format.h"
#include "duktape.h"

// The project's duk_config.h (duk_config.h.in), not Debian's /usr/include one: the budget
// depends on both.
#if !defined(MC_DUK_CONFIG_H_INCLUDED) || !defined(DUK_USE_INTERRUPT_COUNTER) || \
    !defined(DUK_USE_EXEC_TIMEOUT_CHECK)
#error "common/script must be built with its own duk_config.h (DUK_USE_EXEC_TIMEOUT_CHECK)"
#endif

// Duktape reports errors with longjmp (DUK_USE_CPP_EXCEPTIONS is off), which skips C++
// destructors. So no function below holds an object with a destructor across a Duktape call
// that may throw: results are built in State's scratch strings, in inner scopes closed before
// the call.

namespace mc::script {

struct ScriptHeap::State {
  // The allocator's: bytes handed out (without the size headers), the cap, and whether it
  // refused an allocation in this call.
  size_t in_use = 0;
  size_t limit = std::numeric_limits<size_t>::max();
  bool refused = false;
  // The time budget's.
  bool has_deadline = false;
  std::chrono::steady_clock::time_point deadline;
  bool timed_out = false;
  // The call's.
  std::string output;
  size_t max_output = 0;
  bool output_exceeded = false;
  std::string (*escape)(absl::string_view) = nullptr;
  absl::string_view language, country;
  std::string locale;  // LocaleId(language, country), once a helper needs it
  std::string scratch;
  void* object_prototype = nullptr;  // Object.prototype, for "is a plain object"

  const std::string& Locale() {
    if (locale.empty()) locale = LocaleId(language, country);
    return locale;
  }
};

}  // namespace mc::script

using mc::script::ScriptHeap;
using State = ScriptHeap::State;

extern "C" duk_bool_t mc_script_exec_timeout_check(void* heap_udata) {
  auto* s = static_cast<State*>(heap_udata);
  if (s == nullptr || !s->has_deadline) return 0;
  if (!s->timed_out && std::chrono::steady_clock::now() >= s->deadline) s->timed_out = true;
  return s->timed_out ? 1 : 0;
}

namespace mc::script {
namespace {

constexpr char kFileName[] = "template";

// Every block starts with its size, so that free and realloc know what they give back.
constexpr size_t kHeader = alignof(std::max_align_t);

void* Alloc(void* udata, duk_size_t size) {
  auto* s = static_cast<State*>(udata);
  if (size > s->limit || s->in_use > s->limit - size) {
    s->refused = true;
    return nullptr;
  }
  auto* block = static_cast<char*>(std::malloc(kHeader + size));
  if (block == nullptr) return nullptr;
  std::memcpy(block, &size, sizeof size);
  s->in_use += size;
  return block + kHeader;
}

void Free(void* udata, void* ptr) {
  if (ptr == nullptr) return;
  auto* s = static_cast<State*>(udata);
  char* block = static_cast<char*>(ptr) - kHeader;
  size_t size;
  std::memcpy(&size, block, sizeof size);
  s->in_use -= size;
  std::free(block);
}

void* Realloc(void* udata, void* ptr, duk_size_t size) {
  if (ptr == nullptr) return Alloc(udata, size);
  auto* s = static_cast<State*>(udata);
  char* block = static_cast<char*>(ptr) - kHeader;
  size_t old_size;
  std::memcpy(&old_size, block, sizeof old_size);
  if (size > old_size && (size - old_size > s->limit || s->in_use > s->limit - (size - old_size))) {
    s->refused = true;
    return nullptr;
  }
  auto* grown = static_cast<char*>(std::realloc(block, kHeader + size));
  if (grown == nullptr) return nullptr;
  std::memcpy(grown, &size, sizeof size);
  s->in_use = s->in_use - old_size + size;
  return grown + kHeader;
}

// Only for what cannot be reported as an error (an error thrown outside any protected call,
// which this file never does): Duktape requires that it does not return.
void Fatal(void*, const char* msg) {
  std::fprintf(stderr, "duktape fatal error: %s\n", msg != nullptr ? msg : "(none)");
  std::abort();
}

State* StateOf(duk_context* ctx) {
  duk_memory_functions funcs;
  duk_get_memory_functions(ctx, &funcs);
  return static_cast<State*>(funcs.udata);
}

// Duktape keeps a character past U+FFFF that a script makes (from its source, from "\uD83D\uDE00",
// from String.fromCharCode) as two surrogates, each a 3-byte sequence (CESU-8); strings from C
// (JSON, the helpers) stay UTF-8. Whether `text` has a surrogate.
bool HasSurrogate(absl::string_view text) {
  for (size_t at = text.find('\xED'); at != absl::string_view::npos;
       at = text.find('\xED', at + 1)) {
    if (at + 1 < text.size() && static_cast<unsigned char>(text[at + 1]) >= 0xA0) return true;
  }
  return false;
}

// `text` as UTF-8: a surrogate pair becomes its 4-byte character, a lone surrogate U+FFFD.
std::string ToUtf8(absl::string_view text) {
  auto surrogate = [&](size_t i) -> unsigned {
    if (i >= text.size() || text.size() - i < 3 || static_cast<unsigned char>(text[i]) != 0xED ||
        static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      return 0;
    }
    return 0xD000 | ((static_cast<unsigned char>(text[i + 1]) & 0x3F) << 6) |
           (static_cast<unsigned char>(text[i + 2]) & 0x3F);
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    unsigned high = surrogate(i);
    if (high == 0) {
      out.push_back(text[i++]);
      continue;
    }
    unsigned low = high < 0xDC00 ? surrogate(i + 3) : 0;
    if (low < 0xDC00) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      i += 3;
      continue;
    }
    unsigned cp = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    i += 6;
  }
  return out;
}

// Appends `text` to the output as UTF-8 (escaped when asked and the call has an escape
// function); throws a RangeError past the output budget.
void Append(duk_context* ctx, const char* text, size_t len, bool escaped) {
  State* s = StateOf(ctx);
  bool over;
  {
    absl::string_view view(text, len);
    std::string utf8;
    if (HasSurrogate(view)) {
      utf8 = ToUtf8(view);
      view = utf8;
    }
    if (escaped && s->escape != nullptr) {
      std::string e = s->escape(view);
      over = s->output.size() + e.size() > s->max_output;
      if (!over) s->output += e;
    } else {
      over = s->output.size() + view.size() > s->max_output;
      if (!over) s->output.append(view.data(), view.size());
    }
  }
  if (over) {
    s->output_exceeded = true;
    (void)duk_error(ctx, DUK_ERR_RANGE_ERROR, "output budget exceeded");
  }
}

bool IsPlainObject(duk_context* ctx, duk_idx_t idx) {
  if (!duk_is_object(ctx, idx) || duk_is_function(ctx, idx)) return false;
  if (duk_is_array(ctx, idx)) return true;
  duk_get_prototype(ctx, idx);
  void* proto = duk_get_heapptr(ctx, -1);
  duk_pop(ctx);
  return proto == nullptr || proto == StateOf(ctx)->object_prototype;
}

// Writes the value at idx: nothing for undefined and null, JSON for arrays and plain objects,
// else the value as a string.
void WriteValue(duk_context* ctx, duk_idx_t idx, bool escaped) {
  idx = duk_normalize_index(ctx, idx);
  if (duk_is_null_or_undefined(ctx, idx)) return;
  duk_dup(ctx, idx);
  if (IsPlainObject(ctx, -1)) {
    duk_json_encode(ctx, -1);
  } else {
    duk_to_string(ctx, -1);
  }
  duk_size_t len = 0;
  const char* text = duk_get_lstring(ctx, -1, &len);
  if (text != nullptr) Append(ctx, text, len, escaped);
  duk_pop(ctx);
}

duk_ret_t WriteRaw(duk_context* ctx) {
  for (duk_idx_t i = 0, n = duk_get_top(ctx); i < n; ++i) WriteValue(ctx, i, false);
  return 0;
}

duk_ret_t WriteEscaped(duk_context* ctx) {
  for (duk_idx_t i = 0, n = duk_get_top(ctx); i < n; ++i) WriteValue(ctx, i, true);
  return 0;
}

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

// Run once per heap, with the global object: removes what a template must not have, freezes
// every built-in (after making Object.prototype's and the Error prototypes' data properties
// accessors whose setter gives the object its own property, so that frozen prototypes do not
// make `obj.toString = f` fail), and makes the global object's own properties read-only.
constexpr char kSandboxJs[] = R"js((function (g) {
  'use strict';
  var names = Object.getOwnPropertyNames, symbols = Object.getOwnPropertySymbols,
      describe = Object.getOwnPropertyDescriptor, define = Object.defineProperty,
      protoOf = Object.getPrototypeOf, freezeOne = Object.freeze;
  delete g.eval;
  delete g.Duktape;
  delete g.Buffer;
  var NoFunction = function Function() {
    throw new TypeError('Function(): templates cannot compile code from strings');
  };
  NoFunction.prototype = Function.prototype;
  define(Function.prototype, 'constructor', {value: NoFunction});
  define(g, 'Function', {value: NoFunction});
  function tame(proto) {
    names(proto).forEach(function (name) {
      var d = describe(proto, name);
      if (!('value' in d) || !d.configurable) return;
      var value = d.value;
      define(proto, name, {
        get: function () { return value; },
        set: function (v) {
          if (this === proto) throw new TypeError("cannot change the built-in '" + name + "'");
          if (Object(this) !== this) return;
          define(this, name, {value: v, writable: true, enumerable: true, configurable: true});
        },
        enumerable: d.enumerable,
        configurable: true
      });
    });
  }
  tame(Object.prototype);
  [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError].forEach(
      function (E) { tame(E.prototype); });
  var seen = [g];
  function freeze(o) {
    if (o === null || (typeof o !== 'object' && typeof o !== 'function')) return;
    if (seen.indexOf(o) >= 0) return;
    seen.push(o);
    freezeOne(o);
    names(o).concat(symbols(o)).forEach(function (k) {
      var d = describe(o, k);
      freeze(d.value); freeze(d.get); freeze(d.set);
    });
    freeze(protoOf(o));
  }
  names(g).concat(symbols(g)).forEach(function (k) {
    var d = describe(g, k);
    define(g, k, 'value' in d ? {writable: false, configurable: false} : {configurable: false});
    freeze(d.value); freeze(d.get); freeze(d.set);
  });
  freeze(protoOf(g));
}))js";

struct BuildArgs {
  absl::flat_hash_set<std::string>* baseline;
};

void PutNative(duk_context* ctx, const char* name, duk_c_function fn, duk_idx_t nargs) {
  duk_push_c_function(ctx, fn, nargs);
  duk_put_global_string(ctx, name);
}

// Calls `visit(key, len)` for each own property key of the object at idx (non-enumerable ones
// and symbols too).
template <typename Visit>
void ForEachOwnKey(duk_context* ctx, duk_idx_t idx, Visit visit) {
  duk_enum(
      ctx, idx,
      DUK_ENUM_OWN_PROPERTIES_ONLY | DUK_ENUM_INCLUDE_NONENUMERABLE | DUK_ENUM_INCLUDE_SYMBOLS);
  while (duk_next(ctx, -1, 0)) {
    duk_size_t len = 0;
    const char* key = duk_get_lstring(ctx, -1, &len);
    visit(key != nullptr ? key : "", key != nullptr ? len : 0);
    duk_pop(ctx);
  }
  duk_pop(ctx);
}

duk_ret_t BuildProtected(duk_context* ctx, void* udata) {
  auto* args = static_cast<BuildArgs*>(udata);
  State* s = StateOf(ctx);
  PutNative(ctx, "__mc_write", WriteRaw, DUK_VARARGS);
  PutNative(ctx, "__mc_write_escaped", WriteEscaped, DUK_VARARGS);
  PutNative(ctx, "formatDate", FormatDateHelper, 2);
  PutNative(ctx, "formatNumber", FormatNumberHelper, 2);
  PutNative(ctx, "formatCurrency", FormatCurrencyHelper, 2);
  PutNative(ctx, "escapeXMLString", EscapeXmlHelper, 1);
  duk_push_object(ctx);
  duk_push_c_function(ctx, WriteEscaped, DUK_VARARGS);
  duk_put_prop_string(ctx, -2, "write");
  duk_put_global_string(ctx, "document");

  duk_push_heap_stash(ctx);
  duk_push_object(ctx);
  duk_put_prop_string(ctx, -2, "fns");
  duk_get_global_string(ctx, "Object");
  duk_get_prop_string(ctx, -1, "isExtensible");
  duk_put_prop_string(ctx, -3, "isExtensible");
  duk_get_prop_string(ctx, -1, "prototype");
  s->object_prototype = duk_get_heapptr(ctx, -1);
  duk_pop_3(ctx);

  duk_push_string(ctx, "sandbox");
  duk_compile_lstring_filename(ctx, 0, kSandboxJs, sizeof kSandboxJs - 1);
  duk_call(ctx, 0);
  duk_push_global_object(ctx);
  duk_call(ctx, 1);
  duk_pop(ctx);

  duk_push_global_object(ctx);
  ForEachOwnKey(ctx, -1, [&](const char* key, size_t len) {
    args->baseline->emplace(key, len);  // (an allocation failure here is not survivable)
  });
  duk_push_heap_stash(ctx);
  duk_get_prototype(ctx, -2);
  duk_put_prop_string(ctx, -2, "globalPrototype");
  duk_pop_2(ctx);
  return 0;
}

// The script's error at the stack top, described in scratch (message) and *line.
struct DescribeArgs {
  int line = 0;
};

duk_ret_t DescribeProtected(duk_context* ctx, void* udata) {
  auto* args = static_cast<DescribeArgs*>(udata);
  State* s = StateOf(ctx);
  if (duk_is_error(ctx, -1)) {
    duk_get_prop_string(ctx, -1, "stack");
    duk_size_t len = 0;
    const char* stack = duk_is_string(ctx, -1) ? duk_get_lstring(ctx, -1, &len) : nullptr;
    if (stack != nullptr) {
      absl::string_view view(stack, len);
      const absl::string_view marker = "(template:";
      size_t at = view.find(marker);
      if (at != absl::string_view::npos) {
        size_t start = at + marker.size(), end = view.find(')', start);
        int line = 0;
        if (end != absl::string_view::npos &&
            absl::SimpleAtoi(view.substr(start, end - start), &line)) {
          args->line = line;
        }
      }
    }
    duk_pop(ctx);
  }
  duk_size_t len = 0;
  const char* text = duk_safe_to_lstring(ctx, -1, &len);
  {
    absl::string_view message(text, len);
    // Duktape's syntax errors end with their own " (line N)" or " (line N, end of input)".
    size_t paren = message.rfind(" (line ");
    if (paren != absl::string_view::npos && message.back() == ')') {
      absl::string_view inner = message.substr(paren + 7, message.size() - paren - 8);
      size_t comma = inner.find(", ");
      s->scratch = absl::StrCat(
          message.substr(0, paren),
          comma == absl::string_view::npos ? "" : absl::StrCat(" (", inner.substr(comma + 2), ")"));
    } else {
      s->scratch = std::string(message);
    }
  }
  return 0;
}

// Describes the error at the stack top (popping it) under fresh budgets: the thrown value may be
// an object whose toString is the script's own.
absl::Status DescribeError(duk_context* ctx, State* s, const ScriptHeapOptions& budgets,
                           int* error_line) {
  s->has_deadline = true;
  s->timed_out = false;
  s->deadline = std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(budgets.time_budget);
  s->refused = false;
  s->limit = s->in_use + budgets.memory_budget;
  DescribeArgs args;
  s->scratch.clear();
  int rc = duk_safe_call(ctx, DescribeProtected, &args, 1, 1);
  duk_pop(ctx);
  s->has_deadline = false;
  s->limit = std::numeric_limits<size_t>::max();
  if (rc != DUK_EXEC_SUCCESS || s->timed_out || s->refused || s->scratch.empty()) {
    s->scratch = "the template threw a value that cannot be printed";
  }
  if (error_line != nullptr) *error_line = args.line;
  return absl::InvalidArgumentError(s->scratch);
}

struct RunArgs {
  const char* source;
  size_t source_len;
  const char* stash_key;
  bool compile;
  bool reset_cache;
  const char* json;
  size_t json_len;
  const nlohmann::json* argument;
  const nlohmann::json* argument_ctx;
};

// `v` onto the stack as the JavaScript value JSON.parse would make of it (nesting past 64 levels
// becomes null; ingestion refuses ctx nested past 32).
void PushJson(duk_context* ctx, const nlohmann::json& v, int depth) {
  duk_require_stack(ctx, 4);
  switch (v.type()) {
    case nlohmann::json::value_t::boolean:
      duk_push_boolean(ctx, v.get<bool>());
      return;
    case nlohmann::json::value_t::number_integer:
      duk_push_number(ctx, static_cast<double>(v.get<int64_t>()));
      return;
    case nlohmann::json::value_t::number_unsigned:
      duk_push_number(ctx, static_cast<double>(v.get<uint64_t>()));
      return;
    case nlohmann::json::value_t::number_float:
      duk_push_number(ctx, v.get<double>());
      return;
    case nlohmann::json::value_t::string: {
      const std::string& s = v.get_ref<const std::string&>();
      duk_push_lstring(ctx, s.data(), s.size());
      return;
    }
    case nlohmann::json::value_t::array: {
      if (depth > 64) break;
      duk_push_array(ctx);
      duk_uarridx_t i = 0;
      for (const nlohmann::json& item : v) {
        PushJson(ctx, item, depth + 1);
        duk_put_prop_index(ctx, -2, i++);
      }
      return;
    }
    case nlohmann::json::value_t::object: {
      if (depth > 64) break;
      duk_push_object(ctx);
      for (const auto& [key, item] : v.items()) {
        duk_push_lstring(ctx, key.data(), key.size());
        PushJson(ctx, item, depth + 1);
        duk_def_prop(ctx, -3,
                     DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                         DUK_DEFPROP_SET_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
      }
      return;
    }
    default:
      break;
  }
  duk_push_null(ctx);
}

duk_ret_t RunProtected(duk_context* ctx, void* udata) {
  auto* args = static_cast<RunArgs*>(udata);
  duk_push_heap_stash(ctx);
  if (args->reset_cache) {
    duk_push_object(ctx);
    duk_put_prop_string(ctx, -2, "fns");
  }
  duk_get_prop_string(ctx, -1, "fns");
  if (args->compile) {
    duk_push_string(ctx, kFileName);
    duk_compile_lstring_filename(ctx, 0, args->source, args->source_len);
    duk_call(ctx, 0);
    if (!duk_is_function(ctx, -1)) {
      return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                       "the template's code ends its own function early (a '}' too many?)");
    }
    duk_freeze(ctx, -1);
    duk_get_prop_string(ctx, -1, "prototype");
    if (duk_is_object(ctx, -1)) duk_freeze(ctx, -1);
    duk_pop(ctx);
    duk_dup_top(ctx);
    duk_put_prop_string(ctx, -3, args->stash_key);
  } else {
    duk_get_prop_string(ctx, -1, args->stash_key);
  }
  if (args->argument != nullptr) {
    PushJson(ctx, *args->argument, 0);
    if (!duk_is_object(ctx, -1)) {
      duk_pop(ctx);
      duk_push_object(ctx);
    }
    duk_push_string(ctx, "ctx");
    if (args->argument_ctx != nullptr && !args->argument_ctx->is_null()) {
      PushJson(ctx, *args->argument_ctx, 0);
    } else {
      duk_push_object(ctx);
    }
    duk_def_prop(ctx, -3,
                 DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_SET_ENUMERABLE |
                     DUK_DEFPROP_SET_CONFIGURABLE);
  } else if (args->json_len == 0) {
    duk_push_object(ctx);
  } else {
    duk_push_lstring(ctx, args->json, args->json_len);
    duk_json_decode(ctx, -1);
  }
  duk_dup_top(ctx);
  duk_call(ctx, 2);
  return 0;
}

struct CleanArgs {
  const absl::flat_hash_set<std::string>* baseline;
};

// Deletes the global object's own properties that are not in the baseline (throws for one that
// cannot be deleted); returns 1 when the global object is as it was built, else 0.
duk_ret_t CleanProtected(duk_context* ctx, void* udata) {
  auto* args = static_cast<CleanArgs*>(udata);
  duk_push_global_object(ctx);
  size_t count = 0;
  ForEachOwnKey(ctx, -1, [&](const char*, size_t) { ++count; });
  if (count != args->baseline->size()) {
    duk_enum(
        ctx, -1,
        DUK_ENUM_OWN_PROPERTIES_ONLY | DUK_ENUM_INCLUDE_NONENUMERABLE | DUK_ENUM_INCLUDE_SYMBOLS);
    while (duk_next(ctx, -1, 0)) {
      duk_size_t len = 0;
      const char* key = duk_get_lstring(ctx, -1, &len);
      if (key == nullptr || !args->baseline->contains(absl::string_view(key, len))) {
        duk_del_prop(ctx, -3);  // pops the key; a non-configurable one throws
      } else {
        duk_pop(ctx);
      }
    }
    duk_pop(ctx);
  }
  duk_push_heap_stash(ctx);
  duk_get_prop_string(ctx, -1, "isExtensible");
  duk_dup(ctx, -3);
  duk_call(ctx, 1);
  bool extensible = duk_to_boolean(ctx, -1);
  duk_pop(ctx);
  duk_get_prop_string(ctx, -1, "globalPrototype");
  duk_get_prototype(ctx, -3);
  bool same_prototype = duk_get_heapptr(ctx, -1) == duk_get_heapptr(ctx, -2);
  duk_pop_2(ctx);
  duk_push_boolean(ctx, extensible && same_prototype);
  return 1;
}

std::string BudgetMessage(absl::string_view what, absl::string_view amount) {
  return absl::StrCat("the template ran past its ", what, " budget (", amount, ")");
}

}  // namespace

absl::StatusOr<std::unique_ptr<ScriptHeap>> ScriptHeap::Create(const Options& options) {
  std::unique_ptr<ScriptHeap> heap(new ScriptHeap(options));
  if (absl::Status st = heap->Build(); !st.ok()) return st;
  return heap;
}

ScriptHeap::ScriptHeap(const Options& options)
    : options_(options), state_(std::make_unique<State>()) {
  state_->max_output = options.max_output_bytes;
}

ScriptHeap::~ScriptHeap() { Destroy(); }

void ScriptHeap::Destroy() {
  if (ctx_ != nullptr) duk_destroy_heap(static_cast<duk_context*>(ctx_));
  ctx_ = nullptr;
  cache_.clear();
  baseline_.clear();
}

absl::Status ScriptHeap::Build() {
  Destroy();
  State& s = *state_;
  s.limit = std::numeric_limits<size_t>::max();
  s.has_deadline = false;
  duk_context* ctx = duk_create_heap(Alloc, Realloc, Free, state_.get(), Fatal);
  if (ctx == nullptr) return absl::InternalError("cannot create a Duktape heap");
  ctx_ = ctx;
  BuildArgs args{&baseline_};
  if (duk_safe_call(ctx, BuildProtected, &args, 0, 1) != DUK_EXEC_SUCCESS) {
    std::string why = duk_safe_to_string(ctx, -1);
    Destroy();
    return absl::InternalError(absl::StrCat("cannot set up the template sandbox: ", why));
  }
  duk_pop(ctx);
  return absl::OkStatus();
}

size_t ScriptHeap::bytes_in_use() const { return state_->in_use; }

bool ScriptHeap::CleanGlobals() {
  auto* ctx = static_cast<duk_context*>(ctx_);
  CleanArgs args{&baseline_};
  int rc = duk_safe_call(ctx, CleanProtected, &args, 0, 1);
  bool clean = rc == DUK_EXEC_SUCCESS && duk_get_boolean(ctx, -1);
  duk_pop(ctx);
  return clean;
}

absl::StatusOr<std::string> ScriptHeap::Run(const ScriptCall& call, int* error_line) {
  if (error_line != nullptr) *error_line = 0;
  if (ctx_ == nullptr) {
    if (absl::Status st = Build(); !st.ok()) return st;
  }
  auto* ctx = static_cast<duk_context*>(ctx_);
  State& s = *state_;

  auto it = cache_.find(call.key);
  const bool known = it != cache_.end();
  const bool compile = !known || it->second.source != call.source;
  std::string stash_key = known ? it->second.stash_key : absl::StrCat("f", next_stash_id_++);
  const bool reset_cache = !known && cache_.size() >= options_.max_cached_functions;
  if (reset_cache) cache_.clear();

  s.output.clear();
  s.output_exceeded = false;
  s.refused = false;
  s.timed_out = false;
  s.escape = call.escape;
  s.language = call.language;
  s.country = call.country;
  s.locale.clear();
  s.limit = s.in_use + options_.memory_budget;
  s.deadline = std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(options_.time_budget);
  s.has_deadline = true;

  RunArgs args{.source = call.source.data(),
               .source_len = call.source.size(),
               .stash_key = stash_key.c_str(),
               .compile = compile,
               .reset_cache = reset_cache,
               .json = call.argument_json.data(),
               .json_len = call.argument_json.size(),
               .argument = call.argument,
               .argument_ctx = call.argument_ctx};
  const int rc = duk_safe_call(ctx, RunProtected, &args, 0, 1);
  s.has_deadline = false;
  const bool timed_out = s.timed_out, refused = s.refused, over = s.output_exceeded;
  s.limit = std::numeric_limits<size_t>::max();

  absl::StatusOr<std::string> result;
  if (timed_out) {
    duk_pop(ctx);
    result = absl::ResourceExhaustedError(BudgetMessage(
        "time", absl::StrCat(absl::ToInt64Milliseconds(options_.time_budget), " ms")));
  } else if (over) {
    duk_pop(ctx);
    result = absl::ResourceExhaustedError(
        BudgetMessage("output", absl::StrCat(options_.max_output_bytes, " bytes")));
  } else if (rc != DUK_EXEC_SUCCESS && refused) {
    duk_pop(ctx);
    result = absl::ResourceExhaustedError(
        BudgetMessage("memory", absl::StrCat(options_.memory_budget, " bytes")));
  } else if (rc != DUK_EXEC_SUCCESS) {
    result = DescribeError(ctx, &s, options_, error_line);
  } else {
    duk_pop(ctx);
    if (compile) cache_[call.key] = Cached{std::string(call.source), stash_key};
    result = std::move(s.output);
  }
  s.output.clear();
  if (!result.ok()) duk_gc(ctx, 0);
  if (!CleanGlobals()) {
    ++rebuilds_;
    if (absl::Status st = Build(); !st.ok()) return st;
  }
  return result;
}

absl::Status ScriptHeap::CheckSyntax(absl::string_view source, int* error_line) {
  if (error_line != nullptr) *error_line = 0;
  State s;
  s.limit = ScriptHeapOptions().memory_budget + source.size() * 16;
  duk_context* ctx = duk_create_heap(Alloc, Realloc, Free, &s, Fatal);
  if (ctx == nullptr) return absl::InternalError("cannot create a Duktape heap");
  struct Source {
    absl::string_view text;
  } src{source};
  auto compile = [](duk_context* c, void* udata) -> duk_ret_t {
    auto* text = &static_cast<Source*>(udata)->text;
    duk_push_string(c, kFileName);
    duk_compile_lstring_filename(c, 0, text->data(), text->size());
    return 0;
  };
  absl::Status status;
  if (duk_safe_call(ctx, compile, &src, 0, 1) != DUK_EXEC_SUCCESS) {
    status = s.refused ? absl::ResourceExhaustedError("the template is too large to compile")
                       : DescribeError(ctx, &s, ScriptHeapOptions(), error_line);
    if (s.refused) duk_pop(ctx);
  } else {
    duk_pop(ctx);
  }
  duk_destroy_heap(ctx);
  return status;
}

}  // namespace mc::script
