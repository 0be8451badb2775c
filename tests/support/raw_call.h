// Calls by method path with a body of raw bytes (grpc::GenericStub), for tests that must send
// what no generated stub would: garbage, an empty message to every method. The names of the
// services each binary serves, from the compiled protos. Failures stop the test with REQUIRE.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

namespace mc::e2e {

extern const std::vector<std::string> kExecutionServices;
extern const std::vector<std::string> kControlServices;

// "/package.Service/Method" of every method of `services`.
std::vector<std::string> MethodPaths(const std::vector<std::string>& services);

// Sends `body` to `path` as one message (unary and server-streaming methods alike), with the
// bearer `token` (none when empty), reads what comes back and returns the call's status.
grpc::Status RawCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& path,
                     const std::string& token, const std::string& body);

}  // namespace mc::e2e
