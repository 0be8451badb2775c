// WriteOpenApiFiles: the body of each service's build-time OpenAPI generator (its
// openapi_gen.cc): writes the document (openapi.h) to `json_path` and, to `cc_path`, a C++ file
// defining `const char* <function>()` in `cc_namespace` that returns it, so the binary serves
// the document made from its own protos. Returns the process exit code (1, said on stderr,
// when a file cannot be written).
#pragma once

#include <string>
#include <vector>

#include "common/http_gateway/http_route.h"

namespace mc::http {

int WriteOpenApiFiles(const std::string& json_path, const std::string& cc_path,
                      const std::string& cc_namespace, const std::string& function,
                      const std::string& title, const std::vector<std::string>& services,
                      const std::vector<HttpRoute>& routes);

}  // namespace mc::http
