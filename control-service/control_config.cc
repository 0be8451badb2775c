#include "control-service/control_config.h"

#include <cctype>

#include "absl/strings/str_cat.h"
#include "common/config/flag_set.h"

namespace mc::control {

absl::StatusOr<ControlConfig> ParseControlConfig(int argc, const char* const* argv) {
  ControlConfig c;
  config::FlagSet flags(
      "control-service [serve|migrate] [flags]\n"
      "Message Center control instance: external accounts, templates, archiving, reports.\n"
      "  serve    apply migrations (unless --nomigrate) and serve gRPC (default)\n"
      "  migrate  apply the schema migrations and exit");
  flags.String("listen", &c.listen, "gRPC listen address host:port (port 0: any free port)");
  flags.String("port_file", &c.port_file, "write the bound gRPC port to this file once serving");
  flags.String("pg_dsn", &c.pg_dsn, "PostgreSQL connection string (libpq key=value or URI)");
  flags.String("schema", &c.schema, "PostgreSQL schema of the control instance");
  flags.Int("pg_pool_size", &c.pg_pool_size, "PostgreSQL connections in the pool");
  flags.String("auth_tokens", &c.auth_tokens,
               "comma-separated bearer tokens accepted, each 'role:token' (no role: admin)");
  flags.String("auth_tokens_file", &c.auth_tokens_file,
               "file of bearer tokens: 'role token' per line (role: pusher, operator, control, "
               "admin)");
  flags.String("tls_cert", &c.tls_cert, "serve gRPC over TLS with this certificate (PEM)");
  flags.String("tls_key", &c.tls_key, "private key of --tls_cert (PEM)");
  flags.String("tls_client_ca", &c.tls_client_ca,
               "mutual TLS: require client certificates signed by this CA (PEM)");
  flags.Bool("migrate", &c.migrate, "apply schema migrations at start-up");
  flags.Int("shutdown_grace_seconds", &c.shutdown_grace_seconds,
            "on SIGTERM, how long calls in flight may take to finish");
  flags.String("log_level", &c.log_level, "debug, info, warn or error");
  flags.Bool("archiving_scheduler", &c.archiving_scheduler,
             "run the archiving workflows on their schedule from this replica");
  flags.Int("archiving_poll_ms", &c.archiving_poll_ms,
            "how often the scheduler looks for archiving workflows that are due");
  flags.Int("archive_page_size", &c.archive_page_size, "events per archived page (1..5000)");
  flags.Int("execution_deadline_seconds", &c.execution_deadline_seconds,
            "deadline of each call to an execution instance (archive streams excepted)");
  flags.String("execution_tls_ca", &c.execution_tls_ca,
               "CA (PEM) checking execution instances reached over TLS (default: system roots)");
  flags.String("execution_tls_cert", &c.execution_tls_cert,
               "client certificate (PEM) for execution instances that require mutual TLS");
  flags.String("execution_tls_key", &c.execution_tls_key, "private key of --execution_tls_cert");
  flags.Int("archive_retention_days", &c.archive_retention_days,
            "archived events older than this are purged");
  flags.Int("purge_interval_seconds", &c.purge_interval_seconds,
            "how often the archive purge runs (0: never)");
  flags.String("metrics_listen", &c.metrics_listen,
               "serve Prometheus metrics at http://<host:port>/metrics (port 0: any free port; "
               "empty: no metrics endpoint)");
  flags.String("metrics_port_file", &c.metrics_port_file,
               "write the bound metrics port to this file once serving");
  flags.Int("metrics_sample_ms", &c.metrics_sample_ms,
            "how often the last successful archiving runs are read for mc_archive_lag_seconds");
  flags.Int("health_check_ms", &c.health_check_ms,
            "how often PostgreSQL is pinged; gRPC health is NOT_SERVING while it fails");
  if (absl::Status s = flags.Parse(argc, argv); !s.ok()) return s;
  c.help = flags.help_requested();
  c.usage = flags.Usage();
  if (c.help) return c;
  if (!flags.positional().empty()) c.command = flags.positional()[0];
  if (c.command != "serve" && c.command != "migrate") {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown command '", c.command, "' (serve or migrate)"));
  }
  if (c.pg_dsn.empty()) return absl::InvalidArgumentError("--pg_dsn (MC_PG_DSN) is required");
  bool schema_ok = !c.schema.empty() && c.schema.size() <= 50 && std::islower(c.schema[0]);
  for (char ch : c.schema) schema_ok &= std::islower(ch) || std::isdigit(ch) || ch == '_';
  if (!schema_ok) {
    return absl::InvalidArgumentError(
        "--schema: lower-case letters, digits and '_', starting with a letter, at most 50");
  }
  if (c.pg_pool_size < 2 || c.archiving_poll_ms < 10 || c.archive_page_size < 1 ||
      c.archive_page_size > 5000 || c.execution_deadline_seconds < 1 ||
      c.archive_retention_days < 1 || c.purge_interval_seconds < 0) {
    return absl::InvalidArgumentError(
        "--pg_pool_size >= 2, --archiving_poll_ms >= 10, --archive_page_size 1..5000, "
        "--execution_deadline_seconds >= 1, --archive_retention_days >= 1, "
        "--purge_interval_seconds >= 0");
  }
  if (c.metrics_sample_ms < 100 || c.health_check_ms < 10) {
    return absl::InvalidArgumentError("--metrics_sample_ms >= 100, --health_check_ms >= 10");
  }
  return c;
}

}  // namespace mc::control
