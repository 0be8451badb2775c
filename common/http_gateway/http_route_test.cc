// MatchRoute, table by table.
#include "common/http_gateway/http_route.h"

#include <catch2/catch.hpp>

namespace mc::http {
namespace {

TEST_CASE("a route's pattern against paths") {
  struct Row {
    std::string pattern, path;
    bool match;
    Captures captures;
  };
  const std::vector<Row> rows = {
      {"/v1/events:push", "/v1/events:push", true, {}},
      {"/v1/events:push", "/v1/events:pushBatch", false, {}},
      {"/v1/events/{id}", "/v1/events/42", true, {{"id", "42"}}},
      {"/v1/events/{id}", "/v1/events", false, {}},
      {"/v1/events/{id}", "/v1/events/42/x", false, {}},
      {"/v1/events/{id}", "/v1/events/", false, {}},
      {"/v1/events/{id}:cancel", "/v1/events/7:cancel", true, {{"id", "7"}}},
      {"/v1/events/{id}:cancel", "/v1/events/7", false, {}},
      {"/v1/events/{id}:cancel", "/v1/events/:cancel", false, {}},
      {"/v1/workflows/{internal_name}:start",
       "/v1/workflows/rtEventsProcessing:start",
       true,
       {{"internal_name", "rtEventsProcessing"}}},
  };
  for (const Row& row : rows) {
    INFO(row.pattern << " " << row.path);
    Captures captures;
    CHECK(MatchRoute({.verb = "GET", .pattern = row.pattern}, row.path, &captures) == row.match);
    if (row.match) CHECK(captures == row.captures);
  }
}

}  // namespace
}  // namespace mc::http
