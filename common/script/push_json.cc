#include "common/script/push_json.h"

#include <cstdint>
#include <string>

// Duktape's errors are longjmps: no object with a destructor lives across a call that may throw
// (heap_state.h).

namespace mc::script::internal {

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

}  // namespace mc::script::internal
