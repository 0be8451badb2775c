// Internal to ScriptHeap: the writers a template's function writes its output through, as
// Duktape native functions of any number of arguments: WriteRaw is __mc_write (each argument as
// it is), WriteEscaped is __mc_write_escaped and document.write (each argument through the
// call's State::escape, as it is when there is none). Each appends to the running call's
// State::output, per argument: nothing for undefined and null, JSON for arrays and plain objects
// (prototype Object.prototype or none), the value as a string for the rest; always as UTF-8
// (Duktape keeps a character past U+FFFF that script code makes as two CESU-8 surrogates: the
// writers join a pair into its 4-byte character, and write U+FFFD for a lone one).
//
// Failure modes: they throw (a Duktape error, in the running protected call) a RangeError
// "output budget exceeded" and set State::output_exceeded once an argument's text would take
// the output past State::max_output (that text is not written); and whatever an argument's
// toString or toJSON throws. Thread safety: none; they change their heap's State.
#pragma once

#include "duktape.h"

namespace mc::script::internal {

duk_ret_t WriteRaw(duk_context* ctx);
duk_ret_t WriteEscaped(duk_context* ctx);

}  // namespace mc::script::internal
