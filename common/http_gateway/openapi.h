// OpenApiDocument: the OpenAPI 3 document of a service's HTTP/JSON surface, made from the
// protobuf descriptors (at build time, by each service's openapi generator: nothing written by
// hand): every readable route (HttpRoute) and `POST /v1/{service}/{method}` for every method of
// the services named, each with its request and response schema in the proto3 JSON mapping
// (int64 as strings, enums by name, Timestamp as date-time, Struct as an object), bearer
// authentication, and the error body of http_status.h. Comments of the protos are not in the
// descriptors compiled in, so each operation names its RPC instead. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/http_gateway/http_route.h"

namespace mc::http {

std::string OpenApiDocument(const std::string& title, const std::string& version,
                            const std::vector<std::string>& services,
                            const std::vector<HttpRoute>& routes);

}  // namespace mc::http
