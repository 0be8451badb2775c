// Internal to ScriptHeap: the memory functions of its Duktape heaps, malloc and free under a
// cap. Their udata is the heap's State: duk_create_heap(Alloc, Realloc, Free, state, Fatal).
// Every block starts with its size, so that Free and Realloc know what they give back;
// State::in_use counts the bytes handed out (without those headers), State::limit caps it.
//
// Failure modes: Alloc and Realloc return nullptr and set State::refused when the request would
// take in_use past limit (Duktape then collects garbage, retries, and throws a RangeError in the
// running call); nullptr without refused when malloc itself fails. Fatal never returns: it
// prints Duktape's message to stderr and aborts, for what cannot be reported as an error (an
// error thrown outside any protected call, which common/script never does).
// Thread safety: none; each call changes its heap's State.
#pragma once

#include "duktape.h"

namespace mc::script::internal {

void* Alloc(void* udata, duk_size_t size);
void* Realloc(void* udata, void* ptr, duk_size_t size);
void Free(void* udata, void* ptr);
[[noreturn]] void Fatal(void* udata, const char* msg);

}  // namespace mc::script::internal
