// A blocking HTTP client for end-to-end tests (libcurl): one request, its status and body.
// A bearer token is sent when given. Failures of the transport stop the test with FAIL.
#pragma once

#include <string>

namespace mc::e2e {

struct HttpAnswer {
  long status = 0;
  std::string body;
  std::string content_type;
};

HttpAnswer HttpCall(const std::string& method, const std::string& url, const std::string& body,
                    const std::string& token);

}  // namespace mc::e2e
