#include "common/script/output_writer.h"

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "common/script/heap_state.h"

// Duktape's errors are longjmps: no object with a destructor lives across a call that may throw
// (heap_state.h).

namespace mc::script::internal {
namespace {

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

}  // namespace

duk_ret_t WriteRaw(duk_context* ctx) {
  for (duk_idx_t i = 0, n = duk_get_top(ctx); i < n; ++i) WriteValue(ctx, i, false);
  return 0;
}

duk_ret_t WriteEscaped(duk_context* ctx) {
  for (duk_idx_t i = 0, n = duk_get_top(ctx); i < n; ++i) WriteValue(ctx, i, true);
  return 0;
}

}  // namespace mc::script::internal
