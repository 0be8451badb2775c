// Helpers for end-to-end tests: start the real execution-service binary against a PostgreSQL
// schema, and make authenticated gRPC stubs for it. Failures stop the test with FAIL.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "common/process/service_process.h"
#include "messagecenter/v1/events.grpc.pb.h"

namespace mc::e2e {

inline constexpr char kToken[] = "e2e-test-token-0123456789";

// Starts execution-service on 127.0.0.1:0 with a fresh schema on `dsn`. Extra flags appended.
process::ServiceProcess StartExecution(const std::string& dsn, const std::string& schema,
                                       std::vector<std::string> extra_flags = {});

// Starts control-service on 127.0.0.1:0 with `schema` on `dsn`. Extra flags appended.
process::ServiceProcess StartControl(const std::string& dsn, const std::string& schema,
                                     std::vector<std::string> extra_flags = {});

std::shared_ptr<grpc::Channel> Channel(const std::string& address);

// A client context carrying the bearer token (or none when token is empty), 10 s deadline.
std::unique_ptr<grpc::ClientContext> Context(const std::string& token = kToken);

// A unique log file path under $TMPDIR for a service started by a test.
std::string LogPath(const std::string& label);

}  // namespace mc::e2e
