#include "common/text/fnv1a.h"

#include <catch2/catch.hpp>

namespace mc::text {
namespace {

TEST_CASE("FNV-1a 64 matches the published test vectors") {
  struct Case {
    std::string_view bytes;
    uint64_t hash;
  };
  const Case cases[] = {
      {"", 0xcbf29ce484222325ULL},
      {"a", 0xaf63dc4c8601ec8cULL},
      {"foobar", 0x85944171f73967e8ULL},
      {"order-1234-shipped", 0xacebae84e6f87b84ULL},
      {"\xc3\xa9", 0x0ac21707b7181e01ULL},  // "é": the UTF-8 bytes, not the code point
      {std::string_view("\0\xff", 2), 0x0831c907b4ea2b60ULL},  // a NUL is a byte like any other
  };
  for (const Case& c : cases) {
    INFO(c.bytes);
    CHECK(Fnv1a64(c.bytes) == c.hash);
  }
}

}  // namespace
}  // namespace mc::text
