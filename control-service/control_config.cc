#include "control-service/control_config.h"

#include "absl/strings/str_cat.h"
#include "common/config/service_flags.h"

namespace mc::control {

absl::StatusOr<ControlConfig> ParseControlConfig(int argc, const char* const* argv) {
  ControlConfig c;
  config::FlagSet flags(
      "control-service [serve|migrate] [flags]\n"
      "Message Center control instance: external accounts, templates, archiving, reports.\n"
      "  serve    apply migrations (unless --nomigrate) and serve gRPC (default)\n"
      "  migrate  apply the schema migrations and exit");
  config::AddServiceFlags(flags, &c, "PostgreSQL schema of the control instance",
                          "how often the last successful archiving runs are read for "
                          "mc_archive_lag_seconds");
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
  flags.Bool("console", &c.console,
             "serve the web console at /console/ on the HTTP listener (needs --http_listen)");
  flags.Int("console_idle_minutes", &c.console_idle_minutes,
            "a console session ends after this long without a request");
  flags.Int("console_session_hours", &c.console_session_hours,
            "a console session ends this long after sign-in, however used");
  flags.Int("console_max_sessions", &c.console_max_sessions,
            "console sessions kept at once (a sign-in past it ends the one idle longest)");
  flags.String("console_origin", &c.console_origin,
               "the console's public origin (https://host[:port]) when served behind a proxy: "
               "the only origin and host accepted; https makes its cookie Secure");
  if (absl::Status s = flags.Parse(argc, argv); !s.ok()) return s;
  if (absl::Status s = config::FinishServiceFlags(flags, &c); !s.ok()) return s;
  if (c.help) return c;
  if (!c.console_origin.empty() && c.console_origin.rfind("https://", 0) != 0 &&
      c.console_origin.rfind("http://", 0) != 0) {
    return absl::InvalidArgumentError(
        "--console_origin: http://host[:port] or https://host[:port]");
  }
  if (c.pg_pool_size < 2 || c.archiving_poll_ms < 10 || c.archive_page_size < 1 ||
      c.archive_page_size > 5000 || c.execution_deadline_seconds < 1 ||
      c.archive_retention_days < 1 || c.purge_interval_seconds < 0 || c.console_idle_minutes < 1 ||
      c.console_session_hours < 1 || c.console_max_sessions < 1) {
    return absl::InvalidArgumentError(
        "--pg_pool_size >= 2, --archiving_poll_ms >= 10, --archive_page_size 1..5000, "
        "--execution_deadline_seconds >= 1, --archive_retention_days >= 1, "
        "--purge_interval_seconds >= 0, --console_idle_minutes, --console_session_hours and "
        "--console_max_sessions >= 1");
  }
  return c;
}

}  // namespace mc::control
