// Internal to ScriptHeap (script_heap.h is the header its users include): ScriptHeap::State,
// what one heap shares with the Duktape callbacks it installs (the allocator's byte count and
// cap, the time budget's deadline, the running call's output, escape function, locale and
// scratch string), and StateOf, which finds a context's State (its heap's allocator udata).
//
// Plain data, no failure modes: the flags refused, timed_out and output_exceeded record which
// budget a call ran past; ScriptHeap::Run resets them before a call and turns them into its
// statuses after it. Thread safety: none; a State belongs to one heap, which one thread uses at
// a time.
//
// Duktape reports errors with longjmp (DUK_USE_CPP_EXCEPTIONS is off), which skips C++
// destructors. So no function of common/script holds an object with a destructor across a
// Duktape call that may throw: results are built in State's scratch strings, in inner scopes
// closed before the call.
#pragma once

#include <chrono>
#include <cstddef>
#include <limits>
#include <string>

#include "absl/strings/string_view.h"
#include "common/script/locale_format.h"
#include "common/script/script_heap.h"
#include "duktape.h"

// The project's duk_config.h (duk_config.h.in), not Debian's /usr/include one: the budget
// depends on both.
#if !defined(MC_DUK_CONFIG_H_INCLUDED) || !defined(DUK_USE_INTERRUPT_COUNTER) || \
    !defined(DUK_USE_EXEC_TIMEOUT_CHECK)
#error "common/script must be built with its own duk_config.h (DUK_USE_EXEC_TIMEOUT_CHECK)"
#endif

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

namespace internal {

using State = ScriptHeap::State;

// The State of the heap `ctx` belongs to.
inline State* StateOf(duk_context* ctx) {
  duk_memory_functions funcs;
  duk_get_memory_functions(ctx, &funcs);
  return static_cast<State*>(funcs.udata);
}

}  // namespace internal
}  // namespace mc::script
