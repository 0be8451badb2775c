#include "common/service/service_start.h"

#include <cstdio>
#include <fstream>

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

}  // namespace mc::service
