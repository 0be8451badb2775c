#include "execution-service/api/struct_json.h"

#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

namespace mc::execution {
namespace {

google::protobuf::Struct Parse(const std::string& json) {
  google::protobuf::Struct s;
  REQUIRE(google::protobuf::util::JsonStringToMessage(json, &s).ok());
  return s;
}

TEST_CASE("writes JSON equal to the input, every kind of value") {
  const std::string in =
      R"({"s":"quote \" backslash \\ newline \n tab \t ctrl \u0001 é","n":42.5,"i":3,)"
      R"("big":1e300,"neg":-0.001,"t":true,"f":false,"z":null,"list":[1,"two",[3],{"four":4}],)"
      R"("nested":{"deep":{"deeper":"x"}}})";
  std::string out;
  REQUIRE(StructToJson(Parse(in), &out).ok());
  CHECK(nlohmann::json::parse(out) == nlohmann::json::parse(in));
  CHECK(out.find("42.5") != std::string::npos);
  CHECK(out.find("\"i\":3") != std::string::npos);
}

TEST_CASE("NaN, infinities and excessive depth are refused as ctx errors") {
  google::protobuf::Struct s;
  (*s.mutable_fields())["x"].set_number_value(std::nan(""));
  std::string out;
  absl::Status st = StructToJson(s, &out);
  CHECK(st.code() == absl::StatusCode::kInvalidArgument);
  CHECK(st.message().rfind("ctx:", 0) == 0);
  (*s.mutable_fields())["x"].set_number_value(INFINITY);
  CHECK_FALSE(StructToJson(s, &out).ok());

  google::protobuf::Struct deep;
  google::protobuf::Struct* cur = &deep;
  for (int i = 0; i < 150; ++i) cur = (*cur->mutable_fields())["d"].mutable_struct_value();
  CHECK(StructToJson(deep, &out).code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("empty struct") {
  std::string out = "junk";
  REQUIRE(StructToJson(google::protobuf::Struct(), &out).ok());
  CHECK(out == "{}");
}

}  // namespace
}  // namespace mc::execution
