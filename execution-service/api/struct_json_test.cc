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

// A ctx of `levels` objects, each the only field of the one around it.
google::protobuf::Struct NestedObjects(int levels) {
  google::protobuf::Struct top;
  google::protobuf::Struct* cur = &top;
  for (int i = 1; i < levels; ++i) cur = (*cur->mutable_fields())["d"].mutable_struct_value();
  return top;
}

// A ctx {"l": [[[...]]]}: the object and `levels - 1` arrays.
google::protobuf::Struct NestedLists(int levels) {
  google::protobuf::Struct top;
  google::protobuf::Value* cur = &(*top.mutable_fields())["l"];
  for (int i = 1; i < levels; ++i) cur = cur->mutable_list_value()->add_values();
  cur->set_string_value("leaf");
  return top;
}

TEST_CASE("ctx nesting: 32 levels of objects or arrays are accepted, 33 are refused by name") {
  std::string out;
  CHECK(StructToJson(NestedObjects(32), &out).ok());
  CHECK(StructToJson(NestedLists(32), &out).ok());
  CHECK(out.rfind("{\"l\":[[", 0) == 0);
  for (const google::protobuf::Struct& deep : {NestedObjects(33), NestedLists(33)}) {
    absl::Status s = StructToJson(deep, &out);
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK(s.message() == "ctx: nested deeper than 32 levels");
  }
}

TEST_CASE("empty struct") {
  std::string out = "junk";
  REQUIRE(StructToJson(google::protobuf::Struct(), &out).ok());
  CHECK(out == "{}");
}

}  // namespace
}  // namespace mc::execution
