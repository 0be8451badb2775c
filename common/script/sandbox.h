// Internal to ScriptHeap: the sandbox, what a template's global object holds and how a heap
// gets it back after a call, as two functions for duk_safe_call.
//
// BuildSandboxProtected runs once per heap, on a fresh one: it defines the writers
// (output_writer.h: __mc_write, __mc_write_escaped, document.write) and the helpers
// (template_helpers.h: formatDate, formatNumber, formatCurrency, escapeXMLString) as globals;
// puts in the heap stash an empty "fns" (the cache of compiled functions), Object.isExtensible
// and the global object's prototype, and Object.prototype in State::object_prototype; runs the
// sandbox script (removes eval, Duktape and Buffer, makes Function throw, freezes every
// built-in after making Object.prototype's and the Error prototypes' data properties accessors
// whose setter gives the object its own property, makes the global object's own properties
// read-only); and records the global object's own keys in *baseline.
// CleanSandboxProtected deletes the global object's own properties not in the baseline and
// leaves a boolean on the stack: whether the global object is as it was built (still
// extensible, the same prototype).
//
// Failure modes: both throw (for duk_safe_call to return an error) when an allocation is
// refused; CleanSandboxProtected also for a property that cannot be deleted (non-configurable),
// and the caller then rebuilds the heap. An allocation failure while recording *baseline is
// not survivable. Thread safety: none; they change the heap `ctx` belongs to.
#pragma once

#include <string>

#include "absl/container/flat_hash_set.h"
#include "duktape.h"

namespace mc::script::internal {

struct SandboxBuildArgs {
  absl::flat_hash_set<std::string>* baseline;
};

// udata: a SandboxBuildArgs. Leaves nothing of its own on the stack (returns 0).
duk_ret_t BuildSandboxProtected(duk_context* ctx, void* udata);

struct SandboxCleanArgs {
  const absl::flat_hash_set<std::string>* baseline;
};

// udata: a SandboxCleanArgs. Returns 1: the boolean.
duk_ret_t CleanSandboxProtected(duk_context* ctx, void* udata);

}  // namespace mc::script::internal
