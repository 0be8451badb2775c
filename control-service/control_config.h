// The control instance's configuration: flags, each with an MC_* environment fallback (see
// `control-service --help`).
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace mc::control {

struct ControlConfig {
  std::string command = "serve";  // "serve" or "migrate"
  std::string listen = "0.0.0.0:50061";
  std::string port_file;
  std::string pg_dsn;
  std::string schema = "mc_control";
  int pg_pool_size = 8;
  std::string auth_tokens;
  std::string auth_tokens_file;
  std::string tls_cert, tls_key, tls_client_ca;
  bool migrate = true;
  int shutdown_grace_seconds = 10;
  std::string log_level = "info";
  // Archiving.
  bool archiving_scheduler = true;
  int archiving_poll_ms = 1000;
  int archive_page_size = 1000;
  int execution_deadline_seconds = 10;
  // Client side of TLS to execution instances whose account says TLS.
  std::string execution_tls_ca, execution_tls_cert, execution_tls_key;
  int archive_retention_days = 180;
  int purge_interval_seconds = 86400;
  // Observability: Prometheus /metrics (empty: off) and the PostgreSQL health check.
  std::string metrics_listen = "0.0.0.0:9465";
  std::string metrics_port_file;
  int metrics_sample_ms = 5000;
  int health_check_ms = 1000;

  bool help = false;
  std::string usage;
};

// INVALID_ARGUMENT naming the flag for a bad or missing value.
absl::StatusOr<ControlConfig> ParseControlConfig(int argc, const char* const* argv);

}  // namespace mc::control
