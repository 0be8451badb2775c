#include "common/config/service_flags.h"

#include <cctype>

#include "absl/strings/str_cat.h"

namespace mc::config {

void AddServiceFlags(FlagSet& flags, ServiceFlags* f, const std::string& schema_help,
                     const std::string& metrics_sample_help) {
  flags.String("listen", &f->listen, "gRPC listen address host:port (port 0: any free port)");
  flags.String("port_file", &f->port_file, "write the bound gRPC port to this file once serving");
  flags.String("pg_dsn", &f->pg_dsn, "PostgreSQL connection string (libpq key=value or URI)");
  flags.String("schema", &f->schema, schema_help);
  flags.Int("pg_pool_size", &f->pg_pool_size, "PostgreSQL connections in the pool");
  flags.String("auth_tokens", &f->auth_tokens,
               "comma-separated bearer tokens accepted, each 'role:token' (no role: admin)");
  flags.String("auth_tokens_file", &f->auth_tokens_file,
               "file of bearer tokens: 'role token' per line (role: pusher, operator, control, "
               "admin)");
  flags.String("tls_cert", &f->tls_cert, "serve gRPC over TLS with this certificate (PEM)");
  flags.String("tls_key", &f->tls_key, "private key of --tls_cert (PEM)");
  flags.String("tls_client_ca", &f->tls_client_ca,
               "mutual TLS: require client certificates signed by this CA (PEM)");
  flags.Bool("migrate", &f->migrate, "apply schema migrations at start-up");
  flags.Int("shutdown_grace_seconds", &f->shutdown_grace_seconds,
            "on SIGTERM, how long calls in flight may take to finish");
  flags.String("log_level", &f->log_level, "debug, info, warn or error");
  flags.String("metrics_listen", &f->metrics_listen,
               "serve Prometheus metrics at http://<host:port>/metrics (port 0: any free port; "
               "empty: no metrics endpoint)");
  flags.String("metrics_port_file", &f->metrics_port_file,
               "write the bound metrics port to this file once serving");
  flags.Int("metrics_sample_ms", &f->metrics_sample_ms, metrics_sample_help);
  flags.Int("health_check_ms", &f->health_check_ms,
            "how often PostgreSQL is pinged; gRPC health is NOT_SERVING while it fails");
  flags.String("http_listen", &f->http_listen,
               "serve every RPC as JSON over HTTP at <host:port> (port 0: any free port; empty: "
               "off); TLS with --tls_cert and --tls_key");
  flags.String("http_port_file", &f->http_port_file,
               "write the bound HTTP port to this file once serving");
  flags.Int("http_max_body_mb", &f->http_max_body_mb,
            "largest HTTP request body read (past it: 413, unread)");
  flags.Int("http_timeout_seconds", &f->http_timeout_seconds,
            "an HTTP request's reading, call and answer must end within this");
  flags.Int("http_threads", &f->http_threads, "HTTP requests served at once");
  flags.Bool("http_plaintext", &f->http_plaintext,
             "serve HTTP/JSON without TLS even when gRPC has --tls_cert (TLS terminated in "
             "front)");
}

absl::Status FinishServiceFlags(const FlagSet& flags, ServiceFlags* f) {
  f->help = flags.help_requested();
  f->usage = flags.Usage();
  if (f->help) return absl::OkStatus();
  if (!flags.positional().empty()) f->command = flags.positional()[0];
  if (f->command != "serve" && f->command != "migrate") {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown command '", f->command, "' (serve or migrate)"));
  }
  if (f->pg_dsn.empty()) return absl::InvalidArgumentError("--pg_dsn (MC_PG_DSN) is required");
  // The schema also names the execution instance's notification channel ("mc_rt_<schema>", at
  // most 63 bytes): lower-case letters, digits and '_', starting with a letter, at most 50.
  bool schema_ok = !f->schema.empty() && f->schema.size() <= 50 && std::islower(f->schema[0]);
  for (char ch : f->schema) schema_ok &= std::islower(ch) || std::isdigit(ch) || ch == '_';
  if (!schema_ok) {
    return absl::InvalidArgumentError(
        "--schema: lower-case letters, digits and '_', starting with a letter, at most 50");
  }
  if (f->http_max_body_mb < 1 || f->http_timeout_seconds < 1 || f->http_threads < 1) {
    return absl::InvalidArgumentError(
        "--http_max_body_mb, --http_timeout_seconds and --http_threads must be positive");
  }
  if (f->metrics_sample_ms < 100 || f->health_check_ms < 10) {
    return absl::InvalidArgumentError("--metrics_sample_ms >= 100, --health_check_ms >= 10");
  }
  return absl::OkStatus();
}

}  // namespace mc::config
