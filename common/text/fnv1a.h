// FNV-1a, 64 bits (offset basis 0xcbf29ce484222325, prime 0x100000001b3), over a string's bytes:
// a stable, fast, non-cryptographic hash for what must come out the same on every machine and
// run (routing shards, MIME boundaries, test fixtures). Not for anything an attacker may choose
// to collide. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace mc::text {

uint64_t Fnv1a64(std::string_view bytes);

}  // namespace mc::text
