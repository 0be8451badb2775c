#include "common/text/utf8.h"

#include <catch2/catch.hpp>
#include <string>

namespace mc::text {
namespace {

TEST_CASE("characters are code points, not bytes") {
  CHECK(CodePoints("") == 0);
  CHECK(CodePoints("abc") == 3);
  CHECK(CodePoints("é") == 1);  // 2 bytes
  CHECK(CodePoints("€") == 1);  // 3 bytes
  CHECK(CodePoints("😀") == 1);  // 4 bytes
  CHECK(CodePoints("Zoë & 東京") == 8);
  std::string many;
  for (int i = 0; i < 255; ++i) many += "é";
  CHECK(many.size() == 510);
  CHECK(CodePoints(many) == 255);
  CHECK(CodePoints(std::string("a\0b", 3)) == 3);
}

}  // namespace
}  // namespace mc::text
