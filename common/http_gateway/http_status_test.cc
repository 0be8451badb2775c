// The gRPC code -> HTTP status table, the field named by a message, and the error body.
#include "common/http_gateway/http_status.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace mc::http {
namespace {

TEST_CASE("gRPC codes map as Google's API design guide maps them") {
  const std::vector<std::pair<int, int>> rows = {
      {0, 200},  {1, 499},  {2, 500},  {3, 400},  {4, 504},  {5, 404},
      {6, 409},  {7, 403},  {8, 429},  {9, 400},  {10, 409}, {11, 400},
      {12, 501}, {13, 500}, {14, 503}, {15, 500}, {16, 401}};
  for (const auto& [code, status] : rows) {
    INFO(code);
    CHECK(HttpStatusOf(code) == status);
  }
}

TEST_CASE("the field a message names") {
  CHECK(FieldOf("events[3].email: required") == "events[3].email");
  CHECK(FieldOf("ctx: nested deeper than 32 levels") == "ctx");
  CHECK(FieldOf("variants[fr].html_body: line 2, column 3: x") == "variants[fr].html_body");
  CHECK(FieldOf("request: could not be parsed") == "request");
  CHECK(FieldOf("missing or unknown bearer token") == "");
  CHECK(FieldOf("execution instance 'a' at x: down") == "");
  CHECK(FieldOf("") == "");
}

TEST_CASE("the JSON error body") {
  const nlohmann::json e = nlohmann::json::parse(ErrorJson(3, "events[0].type: required"));
  CHECK(e["error"]["code"] == 400);
  CHECK(e["error"]["status"] == "INVALID_ARGUMENT");
  CHECK(e["error"]["message"] == "events[0].type: required");
  CHECK(e["error"]["field"] == "events[0].type");
  const nlohmann::json u = nlohmann::json::parse(ErrorJson(16, "missing bearer token"));
  CHECK(u["error"]["code"] == 401);
  CHECK(!u["error"].contains("field"));
  // Bytes that are not UTF-8 are replaced, never a throw.
  CHECK(!ErrorJson(3, "x: \xff").empty());
}

}  // namespace
}  // namespace mc::http
