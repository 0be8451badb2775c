// HttpRoute: one readable HTTP route to an RPC ("GET /v1/events/{id}" -> EventService.GetEvent),
// and MatchRoute, which fills the route's {captures} from a path. A segment is literal
// ("events:push"), a capture ("{id}"), or a capture with a literal suffix ("{id}:cancel").
// The request message of a route is its JSON body when `body` is true, with the captures and
// the query parameters set on it by field name (JSON or proto name). Pure; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace mc::http {

struct HttpRoute {
  std::string verb;     // "GET", "POST", "DELETE"
  std::string pattern;  // "/v1/events/{id}"
  std::string method;   // the RPC: "messagecenter.v1.EventService.GetEvent"
  bool body = false;    // the JSON body is the request message
};

using Captures = std::vector<std::pair<std::string, std::string>>;

// Whether `path` matches the route's pattern (the verb is not compared); the captures in order.
bool MatchRoute(const HttpRoute& route, absl::string_view path, Captures* captures);

}  // namespace mc::http
