// The execution instance's HTTP/JSON surface (common/http_gateway): the services served and the
// readable routes of the RPCs callers use most; every other RPC is at
// POST /v1/{service}/{method}. Pure data.
#pragma once

#include <string>
#include <vector>

#include "common/http_gateway/http_route.h"

namespace mc::execution {

std::vector<std::string> ExecutionHttpServices();
std::vector<http::HttpRoute> ExecutionHttpRoutes();

}  // namespace mc::execution
