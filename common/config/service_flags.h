// ServiceFlags: the settings every Message Center service has — gRPC listener and its TLS,
// PostgreSQL and schema, bearer tokens, migrations, drain, logs, metrics, health — registered
// on a FlagSet in one place, so both services spell, document and check them alike.
//
// Failure modes: FinishServiceFlags returns INVALID_ARGUMENT naming the flag (unknown command,
// missing --pg_dsn, a schema that is not a lower-case identifier of at most 50 characters,
// too short intervals). Plain values; use from main().
#pragma once

#include <string>

#include "absl/status/status.h"
#include "common/config/flag_set.h"

namespace mc::config {

struct ServiceFlags {
  std::string command = "serve";  // "serve" or "migrate"
  std::string listen;
  std::string port_file;
  std::string pg_dsn;
  std::string schema;
  int pg_pool_size = 8;
  std::string auth_tokens, auth_tokens_file;
  std::string tls_cert, tls_key, tls_client_ca;
  bool migrate = true;
  int shutdown_grace_seconds = 10;
  std::string log_level = "info";
  // Prometheus /metrics (empty: off) and the PostgreSQL health check.
  std::string metrics_listen;
  std::string metrics_port_file;
  int metrics_sample_ms = 5000;
  int health_check_ms = 1000;
  // HTTP/JSON for every RPC (empty: off), its port file and limits; TLS by --tls_cert/--tls_key.
  std::string http_listen;
  std::string http_port_file;
  int http_max_body_mb = 64;
  int http_timeout_seconds = 30;
  int http_threads = 16;
  bool http_plaintext = false;  // HTTP without TLS even when gRPC has --tls_cert

  bool help = false;
  std::string usage;
};

// Registers the common flags; `schema_help` and `metrics_sample_help` say what they mean for
// this service.
void AddServiceFlags(FlagSet& flags, ServiceFlags* f, const std::string& schema_help,
                     const std::string& metrics_sample_help);

// After flags.Parse(): fills help, usage and the command; checks the common flags (skipped when
// --help was asked).
[[nodiscard]] absl::Status FinishServiceFlags(const FlagSet& flags, ServiceFlags* f);

}  // namespace mc::config
