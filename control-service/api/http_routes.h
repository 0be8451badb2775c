// The control instance's HTTP/JSON surface (common/http_gateway): the services served and the
// readable routes of the RPCs operators use most; every other RPC is at
// POST /v1/{service}/{method}. Pure data.
#pragma once

#include <string>
#include <vector>

#include "common/http_gateway/http_route.h"

namespace mc::control {

std::vector<std::string> ControlHttpServices();
std::vector<http::HttpRoute> ControlHttpRoutes();

}  // namespace mc::control
