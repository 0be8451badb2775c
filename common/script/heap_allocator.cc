#include "common/script/heap_allocator.h"

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/script/heap_state.h"

namespace mc::script::internal {
namespace {

// Every block starts with its size, so that free and realloc know what they give back.
constexpr size_t kHeader = alignof(std::max_align_t);

}  // namespace

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
// which common/script never does): Duktape requires that it does not return.
void Fatal(void*, const char* msg) {
  std::fprintf(stderr, "duktape fatal error: %s\n", msg != nullptr ? msg : "(none)");
  std::abort();
}

}  // namespace mc::script::internal
