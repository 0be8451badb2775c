#include "common/pg/array_literal.h"

#include <catch2/catch.hpp>

namespace mc::pg {
namespace {

TEST_CASE("text arrays quote, escape and keep NULLs") {
  TextArray a;
  a.Add("plain");
  a.Add("with \"quotes\" and \\ backslash, comma {brace}");
  a.AddNull();
  a.AddOrNull("");
  a.Add("");
  std::string lit = a.Finish();
  CHECK(lit == R"({"plain","with \"quotes\" and \\ backslash, comma {brace}",NULL,NULL,""})");
  auto back = ParseTextArray(lit);
  REQUIRE(back.size() == 5);
  CHECK(*back[1] == "with \"quotes\" and \\ backslash, comma {brace}");
  CHECK_FALSE(back[2].has_value());
  CHECK(*back[4] == "");
}

TEST_CASE("integer arrays") {
  IntArray a;
  a.Add(1);
  a.AddNull();
  a.Add(-42);
  CHECK(a.Finish() == "{1,NULL,-42}");
  CHECK(IntArray().Finish() == "{}");
  auto back = ParseTextArray("{1,NULL,-42}");
  REQUIRE(back.size() == 3);
  CHECK(*back[2] == "-42");
}

}  // namespace
}  // namespace mc::pg
