#include "execution-service/execution_config.h"

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
  flags.String("auth_tokens", &c.auth_tokens, "comma-separated bearer tokens accepted");
  flags.String("auth_tokens_file", &c.auth_tokens_file, "file of bearer tokens, one per line");
  flags.Int("max_events_per_call", &c.max_events_per_call, "PushEvents limit per call");
  flags.Int("max_ctx_bytes", &c.max_ctx_bytes, "largest event ctx accepted, as JSON bytes");
  flags.Int("commit_writers", &c.commit_writers, "group-commit writer threads");
  flags.Int("commit_max_rows", &c.commit_max_rows, "most rows in one group commit");
  flags.Bool("migrate", &c.migrate, "apply schema migrations at start-up");
  flags.Int("shutdown_grace_seconds", &c.shutdown_grace_seconds,
            "on SIGTERM, how long calls in flight may take to finish");
  flags.String("log_level", &c.log_level, "debug, info, warn or error");
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
  if (c.schema.empty()) return absl::InvalidArgumentError("--schema must not be empty");
  if (c.pg_pool_size < 1 || c.commit_writers < 1 || c.commit_writers > c.pg_pool_size) {
    return absl::InvalidArgumentError(
        "--pg_pool_size must be >= 1 and --commit_writers between 1 and --pg_pool_size");
  }
  if (c.max_events_per_call < 1 || c.max_ctx_bytes < 2 || c.commit_max_rows < 1) {
    return absl::InvalidArgumentError(
        "--max_events_per_call, --max_ctx_bytes and --commit_max_rows must be positive");
  }
  return c;
}

}  // namespace mc::execution
