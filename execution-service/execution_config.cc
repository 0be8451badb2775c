#include "execution-service/execution_config.h"

#include <cctype>

#include "absl/strings/str_cat.h"
#include "common/config/flag_set.h"

namespace mc::execution {

absl::StatusOr<ExecutionConfig> ParseExecutionConfig(int argc, const char* const* argv) {
  ExecutionConfig c;
  config::FlagSet flags(
      "execution-service [serve|migrate] [flags]\n"
      "Message Center execution instance: event ingestion and technical workflows.\n"
      "  serve    apply migrations (unless --nomigrate) and serve gRPC (default)\n"
      "  migrate  apply the schema migrations and exit");
  flags.String("listen", &c.listen, "gRPC listen address host:port (port 0: any free port)");
  flags.String("port_file", &c.port_file, "write the bound gRPC port to this file once serving");
  flags.String("pg_dsn", &c.pg_dsn, "PostgreSQL connection string (libpq key=value or URI)");
  flags.String("schema", &c.schema, "PostgreSQL schema of this instance (one per instance)");
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
  flags.Int("max_events_per_call", &c.max_events_per_call, "PushEvents limit per call");
  flags.Int("max_ctx_bytes", &c.max_ctx_bytes, "largest event ctx accepted, as JSON bytes");
  flags.Int("commit_writers", &c.commit_writers, "group-commit writer threads");
  flags.Int("commit_max_rows", &c.commit_max_rows, "most rows in one group commit");
  flags.Bool("migrate", &c.migrate, "apply schema migrations at start-up");
  flags.Int("shutdown_grace_seconds", &c.shutdown_grace_seconds,
            "on SIGTERM, how long calls in flight may take to finish");
  flags.String("log_level", &c.log_level, "debug, info, warn or error");
  flags.Bool("start_workflows", &c.start_workflows,
             "start the three technical workflows at boot (else an operator starts them)");
  flags.Int("processing_batch", &c.processing_batch, "events claimed per workflow run");
  flags.Int("lane_workers", &c.lane_workers,
            "concurrent runs per processing workflow on this replica (one claims and records "
            "while another sends)");
  flags.Int("lease_seconds", &c.lease_seconds,
            "how long a replica may hold claimed events before another one takes them over");
  flags.Int("max_tries", &c.max_tries, "delivery tries before a soft failure becomes final");
  flags.Int("retry_base_ms", &c.retry_base_ms, "first retry delay; doubles at each try");
  flags.Int("workflow_refresh_ms", &c.workflow_refresh_ms,
            "how often this replica re-reads the workflows' states");
  flags.Int("batch_poll_ms", &c.batch_poll_ms, "batch lane: wait between empty runs");
  flags.String("message_id_domain", &c.message_id_domain,
               "domain of the Message-ID header (<ev-rt-<id>@domain>)");
  flags.String("smtp_url", &c.smtp_url, "SMTP relay, smtp://host:port (smtps:// for TLS)");
  flags.String("smtp_from", &c.smtp_from, "sender of every email");
  flags.String("smtp_username", &c.smtp_username, "SMTP login (empty: none)");
  flags.String("smtp_password", &c.smtp_password, "SMTP password (secret: prefer the variable)");
  flags.Bool("smtp_starttls", &c.smtp_starttls, "require STARTTLS on the SMTP connection");
  flags.Int("smtp_concurrency", &c.smtp_concurrency,
            "SMTP connections per lane (real-time and batch each have their own)");
  flags.String("sms_url", &c.sms_url, "SMS provider: URL receiving a JSON POST per message");
  flags.String("sms_token", &c.sms_token, "bearer token for the SMS provider (secret)");
  flags.Int("sms_concurrency", &c.sms_concurrency, "SMS connections per lane");
  flags.Int("purge_retention_hours", &c.purge_retention_hours,
            "final events archived by the control instance are purged this long after they "
            "finished");
  flags.Int("purge_interval_seconds", &c.purge_interval_seconds,
            "background purge: at start, then this often (0: off; the Purge RPC still works)");
  flags.String("metrics_listen", &c.metrics_listen,
               "serve Prometheus metrics at http://<host:port>/metrics (port 0: any free port; "
               "empty: no metrics endpoint)");
  flags.String("metrics_port_file", &c.metrics_port_file,
               "write the bound metrics port to this file once serving");
  flags.Int("metrics_sample_ms", &c.metrics_sample_ms,
            "how often queue lengths are sampled from PostgreSQL for mc_queue_events");
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
  if (c.pg_dsn.empty()) {
    return absl::InvalidArgumentError("--pg_dsn (MC_PG_DSN) is required");
  }
  // The schema names the instance's notification channel too ("mc_rt_<schema>", at most 63
  // bytes): lower-case letters, digits and '_', starting with a letter, at most 50.
  bool schema_ok = !c.schema.empty() && c.schema.size() <= 50 && std::islower(c.schema[0]);
  for (char ch : c.schema) schema_ok &= std::islower(ch) || std::isdigit(ch) || ch == '_';
  if (!schema_ok) {
    return absl::InvalidArgumentError(
        "--schema: lower-case letters, digits and '_', starting with a letter, at most 50");
  }
  if (c.commit_writers < 1 || c.pg_pool_size < c.commit_writers + 2) {
    return absl::InvalidArgumentError(
        "--commit_writers must be >= 1 and --pg_pool_size at least --commit_writers + 2 (reads "
        "need connections too; the workflows have their own, 2 x --lane_workers + 2)");
  }
  if (c.processing_batch < 1 || c.lane_workers < 1 || c.lease_seconds < 1 || c.max_tries < 1 ||
      c.retry_base_ms < 1 || c.smtp_concurrency < 1 || c.sms_concurrency < 1 ||
      c.workflow_refresh_ms < 10 || c.batch_poll_ms < 10) {
    return absl::InvalidArgumentError(
        "--processing_batch, --lease_seconds, --max_tries, --retry_base_ms, --*_concurrency, "
        "--workflow_refresh_ms and --batch_poll_ms must be positive");
  }
  if (c.purge_retention_hours < 0 || c.purge_interval_seconds < 0) {
    return absl::InvalidArgumentError(
        "--purge_retention_hours and --purge_interval_seconds must not be negative");
  }
  if (c.metrics_sample_ms < 100 || c.health_check_ms < 10) {
    return absl::InvalidArgumentError("--metrics_sample_ms >= 100, --health_check_ms >= 10");
  }
  if (c.max_events_per_call < 1 || c.max_ctx_bytes < 2 || c.commit_max_rows < 1) {
    return absl::InvalidArgumentError(
        "--max_events_per_call, --max_ctx_bytes and --commit_max_rows must be positive");
  }
  return c;
}

}  // namespace mc::execution
