// ScriptHeap: one sandboxed Duktape heap that runs template code (common/personalisation's
// ScriptedText) with a time and a memory budget per call, reused call after call on one thread.
//
// A script is an ECMAScript program (ES5.1 and the parts of ES2015+ Duktape 2.7 has) whose value
// is a function, e.g. "(function (rtEvent, batchEvent) { ... })". Run calls that function with
// the call's argument twice: a value decoded from JSON as data (duk_json_decode: never
// evaluated). The function writes its output through two globals, __mc_write(x) (as it is) and
// __mc_write_escaped(x) (through the call's escape function, as it is when there is none);
// document.write(x) is __mc_write_escaped. What they write of a value: nothing for undefined and
// null, JSON for arrays and plain objects, the value as a string for the rest; always as UTF-8
// (Duktape keeps a character past U+FFFF that script code makes as two surrogates: the writers
// join them, and write U+FFFD for a lone one). Such a character counts as 2 in a script-made
// string's length and as 1 in a string of the argument (a Duktape limitation).
//
// What a script sees (the sandbox): the language's own objects (Object, Array, String, Number,
// Boolean, Date, RegExp, Math, JSON, the Error types, Symbol, Proxy, Reflect, the typed arrays,
// ArrayBuffer, DataView, TextEncoder, TextDecoder, CBOR, performance.now, parseInt and the URI
// functions), the helpers formatDate, formatNumber, formatCurrency (locale_format.h, in the
// call's language and country), escapeXMLString and encodeURIComponent, document.write, and the
// two writers. Nothing else: Duktape 2 has no require, print, alert or file access; the
// `Duktape` object (modSearch, act, fin, gc, Thread), Node's `Buffer` and `eval` are removed,
// and `Function` (also as Function.prototype.constructor) throws instead of compiling a string.
// Every built-in object is frozen, so that one call cannot change what the next call (another
// template, maybe) sees; assigning an inherited Object.prototype or Error prototype property
// (obj.toString = ..., MyError.prototype.name = ...) still gives the object its own property.
// A sloppy-mode assignment to an undeclared name (ACC's `for (i = 0; ...)`) makes a global for
// the call; the heap deletes the globals a call made once it returns, and rebuilds itself when
// a call changed the global object in a way it cannot undo (a non-configurable property, the
// object made non-extensible or given another prototype): the next call is then slower, never
// different.
//
// Budgets (Options): each call may run for time_budget (Duktape checks the clock every 256K
// bytecode instructions, and keeps throwing once past it, through any try/catch of the script),
// may allocate memory_budget bytes more than the heap held when it started (the allocator
// refuses past it: Duktape collects garbage, retries, then throws), and may write
// max_output_bytes. The heap's compiled functions are cached by the call's key (at most
// max_cached_functions, then the cache starts over): a template's source is compiled once per
// heap, on its first call there. Compiled from the source rather than loaded from bytecode
// (duk_dump_function / duk_load_function): Duktape does not check bytecode it loads (a buffer
// from another build or a corrupt one can crash it), bytecode would tie a published version to
// one Duktape build, and the source is what the publication's syntax check compiled already;
// compiling a template takes well under a millisecond, once per worker thread and version.
//
// Failure modes (Run):
//   RESOURCE_EXHAUSTED "the template ran past its time budget (50 ms)", "... its memory budget
//     (8388608 bytes)", "... its output budget (1048576 bytes)": whatever the script did with
//     the error (a script that catches the refused allocation and finishes is not a failure);
//   INVALID_ARGUMENT with the script's error as it prints ("TypeError: cannot read property 'x'
//     of undefined", "Error: x", or the thrown value) and, in *error_line, the line of the
//     script it was thrown at (0 when unknown: a thrown value that is not an Error); also for a
//     syntax error (the message without Duktape's "(line N)") and a program whose value is not a
//     function;
//   INTERNAL when Duktape cannot make or rebuild a heap (no memory).
// After any failure the heap is usable for the next call: the error has left Duktape, garbage is
// collected, the globals the call made are deleted.
//
// Thread safety: none. A heap is used by one thread at a time; keep one per worker thread (it
// holds no thread-local or global state, so it may move between threads between calls).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace mc::script {

struct ScriptHeapOptions {
  absl::Duration time_budget = absl::Milliseconds(50);
  size_t memory_budget = size_t{8} << 20;
  size_t max_output_bytes = size_t{1} << 20;
  size_t max_cached_functions = 256;
};

struct ScriptCall {
  // Names the script in the heap's cache (a fingerprint of `source`: a key seen again with
  // another source compiles and replaces it).
  uint64_t key = 0;
  absl::string_view source;
  absl::string_view argument_json;  // the function's argument, as JSON; empty: {}
  // Instead of argument_json: the argument's members (an object), and its "ctx" member ({} when
  // nullptr or null), pushed value by value from the parsed JSON (no text is made or parsed;
  // each key is defined as an own property, so "__proto__" is data as JSON.parse makes it).
  const nlohmann::json* argument = nullptr;
  const nlohmann::json* argument_ctx = nullptr;
  std::string (*escape)(absl::string_view) = nullptr;  // what __mc_write_escaped applies
  absl::string_view language;                          // the helpers' locale (LocaleId)
  absl::string_view country;
};

class ScriptHeap {
 public:
  using Options = ScriptHeapOptions;

  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ScriptHeap>> Create(
      const Options& options = {});
  ~ScriptHeap();
  ScriptHeap(const ScriptHeap&) = delete;
  ScriptHeap& operator=(const ScriptHeap&) = delete;

  // The function's output. error_line may be nullptr.
  [[nodiscard]] absl::StatusOr<std::string> Run(const ScriptCall& call, int* error_line);

  // Whether `source` compiles (a syntax check on a bare heap of its own, nothing is run):
  // INVALID_ARGUMENT "SyntaxError: ..." with the line in *error_line. Thread-safe.
  [[nodiscard]] static absl::Status CheckSyntax(absl::string_view source, int* error_line);

  const Options& options() const { return options_; }
  // Bytes the heap holds now (built-ins, cached functions, garbage not yet collected).
  size_t bytes_in_use() const;
  // How many times the heap was rebuilt after a call it could not clean up after.
  int rebuilds() const { return rebuilds_; }

  struct State;  // the allocator's and the budget's, shared with Duktape's callbacks

 private:
  explicit ScriptHeap(const Options& options);
  [[nodiscard]] absl::Status Build();
  void Destroy();
  // Deletes the globals a call made; false when the global object cannot be restored.
  bool CleanGlobals();

  Options options_;
  std::unique_ptr<State> state_;
  void* ctx_ = nullptr;  // duk_context*
  struct Cached {
    std::string source;
    std::string stash_key;
  };
  absl::flat_hash_map<uint64_t, Cached> cache_;
  absl::flat_hash_set<std::string> baseline_;  // the global object's own keys once built
  uint64_t next_stash_id_ = 0;
  int rebuilds_ = 0;
};

}  // namespace mc::script
