#include "common/service/service_start.h"

#include <cstdio>
#include <fstream>

#include "common/http_gateway/json_gateway.h"

namespace mc::service {

std::optional<int> MigrateAsConfigured(const config::ServiceFlags& flags,
                                       const std::vector<pg::Migration>& migrations,
                                       log::Logger& logger) {
  if (!flags.migrate && flags.command != "migrate") return std::nullopt;
  absl::Status migrated = pg::Migrate(flags.pg_dsn, flags.schema, migrations);
  if (!migrated.ok()) {
    logger.Error("migration failed", {{"schema", flags.schema}, {"error", migrated.message()}});
    return 1;
  }
  logger.Info("schema up to date", {{"schema", flags.schema}});
  if (flags.command == "migrate") return 0;
  return std::nullopt;
}

std::optional<grpcutil::BearerAuth> AuthAsConfigured(const config::ServiceFlags& flags,
                                                     log::Logger& logger) {
  absl::StatusOr<grpcutil::BearerAuth> auth =
      grpcutil::BearerAuth::FromConfig(flags.auth_tokens, flags.auth_tokens_file);
  if (!auth.ok()) {
    logger.Error("authentication not configured", {{"error", auth.status().message()}});
    return std::nullopt;
  }
  return *std::move(auth);
}

bool ServeMetricsAsConfigured(const config::ServiceFlags& flags, metrics::Metrics& metrics,
                              log::Logger& logger) {
  if (flags.metrics_listen.empty()) return true;
  absl::StatusOr<int> port = metrics.Serve(flags.metrics_listen);
  if (!port.ok()) {
    logger.Error("cannot serve metrics", {{"error", port.status().message()}});
    return false;
  }
  WritePortFile(flags.metrics_port_file, *port);
  logger.Info("serving metrics", {{"metrics_port", int64_t{*port}}});
  return true;
}

void WritePortFile(const std::string& path, int port) {
  if (path.empty()) return;
  const std::string tmp = path + ".tmp";
  std::ofstream(tmp) << port << "\n";
  std::rename(tmp.c_str(), path.c_str());
}

absl::StatusOr<std::unique_ptr<grpcutil::GrpcServer>> ServeGrpcAsConfigured(
    const config::ServiceFlags& flags, metrics::Metrics& metrics,
    const std::vector<grpcutil::Gated*>& services, grpcutil::CallGate& gate, log::Logger& logger) {
  // Metrics before gRPC: once the port file names the gRPC port, the metrics port is known.
  if (!ServeMetricsAsConfigured(flags, metrics, logger)) {
    return absl::UnavailableError("cannot serve metrics");
  }
  absl::StatusOr<std::unique_ptr<grpcutil::GrpcServer>> server =
      grpcutil::GrpcServer::Start({.listen = flags.listen,
                                   .tls_cert_file = flags.tls_cert,
                                   .tls_key_file = flags.tls_key,
                                   .tls_client_ca_file = flags.tls_client_ca},
                                  services, gate);
  if (!server.ok()) {
    logger.Error("cannot start gRPC server", {{"error", server.status().message()}});
    return server.status();
  }
  (*server)->SetServing(true);
  WritePortFile(flags.port_file, (*server)->port());
  return server;
}

absl::StatusOr<std::unique_ptr<http::HttpServer>> ServeHttpAsConfigured(
    const config::ServiceFlags& flags, grpcutil::GrpcServer& server, grpcutil::CallGate& gate,
    std::vector<std::string> services, std::vector<http::HttpRoute> routes, std::string openapi,
    log::Logger& logger, HttpFront front) {
  if (flags.http_listen.empty()) return std::unique_ptr<http::HttpServer>();
  auto gateway = std::make_shared<http::JsonGateway>(
      server.InProcessChannel(), gate, std::move(services), std::move(routes), std::move(openapi),
      http::JsonGatewayOptions{.deadline = absl::Seconds(flags.http_timeout_seconds)});
  absl::StatusOr<std::unique_ptr<http::HttpServer>> http =
      http::HttpServer::Start({.listen = flags.http_listen,
                               .threads = flags.http_threads,
                               .max_body_bytes = static_cast<size_t>(flags.http_max_body_mb) << 20,
                               .request_timeout = absl::Seconds(flags.http_timeout_seconds),
                               .tls_cert_file = flags.http_plaintext ? "" : flags.tls_cert,
                               .tls_key_file = flags.http_plaintext ? "" : flags.tls_key},
                              [gateway, front = std::move(front)](http::HttpExchange& exchange) {
                                if (front && front(exchange, *gateway)) return;
                                gateway->Handle(exchange);
                              });
  if (!http.ok()) {
    logger.Error("cannot start the HTTP listener", {{"error", http.status().message()}});
    return http.status();
  }
  logger.Info("serving HTTP/JSON", {{"port", int64_t{(*http)->port()}}});
  WritePortFile(flags.http_port_file, (*http)->port());
  return http;
}

}  // namespace mc::service
