#include "common/script/sandbox.h"

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "common/script/heap_state.h"
#include "common/script/output_writer.h"
#include "common/script/template_helpers.h"

// Duktape's errors are longjmps: no object with a destructor lives across a call that may throw
// (heap_state.h).

namespace mc::script::internal {
namespace {

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

}  // namespace

duk_ret_t BuildSandboxProtected(duk_context* ctx, void* udata) {
  auto* args = static_cast<SandboxBuildArgs*>(udata);
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

// Deletes the global object's own properties that are not in the baseline (throws for one that
// cannot be deleted); returns 1 when the global object is as it was built, else 0.
duk_ret_t CleanSandboxProtected(duk_context* ctx, void* udata) {
  auto* args = static_cast<SandboxCleanArgs*>(udata);
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

}  // namespace mc::script::internal
