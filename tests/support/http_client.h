// A blocking HTTP client for end-to-end tests (libcurl): one request, its status and body.
// A bearer token is sent when given. Failures of the transport stop the test with FAIL.
#pragma once

#include <string>
#include <vector>

namespace mc::e2e {

struct HttpAnswer {
  long status = 0;
  std::string body;
  std::string content_type;
  std::string headers;  // the answer's header lines, as received
};

// `ca_file`: for https URLs, the CA the server's certificate must chain to. A transport failure
// is status 0 (and a failed CHECK unless `expect_transport_error`). `headers` ("Name: value")
// are sent besides.
HttpAnswer HttpCall(const std::string& method, const std::string& url, const std::string& body,
                    const std::string& token, const std::string& ca_file = "",
                    bool expect_transport_error = false,
                    const std::vector<std::string>& headers = {});

}  // namespace mc::e2e
