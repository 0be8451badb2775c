// Internal to ScriptHeap: PushJson, which pushes parsed JSON (nlohmann::json, ScriptCall's
// argument and argument_ctx) onto a Duktape value stack as the JavaScript value JSON.parse would
// make of it, value by value, without making or parsing text: each object key is defined as an
// own data property (so "__proto__" is data, as JSON.parse makes it), every number becomes a
// double, and null, binary and discarded values become null.
//
// Failure modes: nesting past 64 levels (`depth` counts from 0 at the top value) becomes null
// (ingestion refuses ctx nested past 32); Duktape throws (in the running protected call) when
// the value stack cannot grow or the memory budget refuses an allocation. Thread safety: none;
// it changes the heap `ctx` belongs to (reading `v` only).
#pragma once

#include <nlohmann/json.hpp>

#include "duktape.h"

namespace mc::script::internal {

// Pushes exactly one value.
void PushJson(duk_context* ctx, const nlohmann::json& v, int depth);

}  // namespace mc::script::internal
