// The start-up steps every Message Center service takes after parsing its flags: apply the
// schema migrations as the flags ask, build the bearer-token checker from them, serve metrics
// and gRPC, and name the bound ports in the port files. Failures are logged (never a token) and
// turned into the process exit code. Use from main(); not thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "common/config/service_flags.h"
#include "common/grpc/bearer_auth.h"
#include "common/grpc/grpc_server.h"
#include "common/http/http_server.h"
#include "common/http_gateway/http_route.h"
#include "common/http_gateway/json_gateway.h"
#include "common/log/logger.h"
#include "common/metrics/metrics.h"
#include "common/pg/migrator.h"

namespace mc::service {

// Applies `migrations` when --migrate is on or the command is "migrate". Returns the exit code
// when the process should stop now (0: "migrate" done; 1: migration failed), else nullopt.
std::optional<int> MigrateAsConfigured(const config::ServiceFlags& flags,
                                       const std::vector<pg::Migration>& migrations,
                                       log::Logger& logger);

// The token checker of --auth_tokens / --auth_tokens_file; nullopt (logged) when they are not
// usable, and the process should exit with code 2.
std::optional<grpcutil::BearerAuth> AuthAsConfigured(const config::ServiceFlags& flags,
                                                     log::Logger& logger);

// Serves `metrics` on --metrics_listen (none when empty) and writes the bound port to
// --metrics_port_file; false (logged) when the address cannot be bound: exit with code 1.
// Call before the gRPC server starts: once the port file names the gRPC port, the metrics port
// is known.
bool ServeMetricsAsConfigured(const config::ServiceFlags& flags, metrics::Metrics& metrics,
                              log::Logger& logger);

// Writes `port` to `path` (nothing when empty) through a rename, so a reader never sees half.
void WritePortFile(const std::string& path, int port);

// Metrics first (ServeMetricsAsConfigured), then the gRPC server of `services` behind `gate` on
// --listen with the flags' TLS, SERVING, and its port in --port_file. UNAVAILABLE when metrics
// cannot be served, else GrpcServer::Start's error; both logged.
[[nodiscard]] absl::StatusOr<std::unique_ptr<grpcutil::GrpcServer>> ServeGrpcAsConfigured(
    const config::ServiceFlags& flags, metrics::Metrics& metrics,
    const std::vector<grpcutil::Gated*>& services, grpcutil::CallGate& gate, log::Logger& logger);

// With --http_listen: every RPC of `services` as JSON over HTTP (common/http_gateway) on
// `server`'s in-process channel, behind the same gate, with the readable `routes` and the
// `openapi` document; TLS by --tls_cert/--tls_key; the bound port in --http_port_file. nullptr
// without the flag. `front`, when given, sees every request first and answers those it takes
// (true), e.g. the control's console, with the gateway to make their calls through. Stop it
// right after the gRPC server's Shutdown. Errors logged.
using HttpFront = std::function<bool(http::HttpExchange&, http::JsonGateway&)>;
[[nodiscard]] absl::StatusOr<std::unique_ptr<http::HttpServer>> ServeHttpAsConfigured(
    const config::ServiceFlags& flags, grpcutil::GrpcServer& server, grpcutil::CallGate& gate,
    std::vector<std::string> services, std::vector<http::HttpRoute> routes, std::string openapi,
    log::Logger& logger, HttpFront front = nullptr);

}  // namespace mc::service
