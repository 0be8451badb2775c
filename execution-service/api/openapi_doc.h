// The execution instance's OpenAPI document, generated at build time from its protos and
// routes (openapi_gen.cc, common/http_gateway/openapi.h). Immutable.
#pragma once

namespace mc::execution {

const char* ExecutionOpenApiJson();

}  // namespace mc::execution
