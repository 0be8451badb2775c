#include "execution-service/execution_config.h"

#include "absl/strings/str_cat.h"
#include "common/config/service_flags.h"

namespace mc::execution {
namespace {

// The checks of the instance's own flags (after the common ones).
absl::Status CheckExecutionConfig(const ExecutionConfig& c) {
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
  if (c.status_update_pause_ms < 0 || c.status_update_pause_ms > 60000) {
    return absl::InvalidArgumentError("--status_update_pause_ms must be between 0 and 60000");
  }
  if (c.webhook_timeout_ms < 1 || c.webhook_max_retry_hours < 0 || c.webhook_retry_base_ms < 1 ||
      c.webhook_retry_cap_ms < c.webhook_retry_base_ms || c.webhook_pause_after_seconds < 1 ||
      c.webhook_endpoint_concurrency < 1 || c.webhook_batch < 1 || c.webhook_lease_seconds < 1) {
    return absl::InvalidArgumentError(
        "--webhook_*: timeout, retry base, pause, concurrency, batch and lease must be positive, "
        "the retry cap at least the base");
  }
  if (c.soft_bounce_threshold < 1 || c.soft_bounce_expiry_hours < 1) {
    return absl::InvalidArgumentError(
        "--soft_bounce_threshold and --soft_bounce_expiry_hours must be at least 1");
  }
  if (c.template_time_budget_ms < 1 || c.template_memory_budget_mb < 1 ||
      c.attachment_max_bytes < 1 || c.attachment_fetch_timeout_ms < 1 ||
      c.attachment_cache_mb < 0) {
    return absl::InvalidArgumentError(
        "--template_time_budget_ms, --template_memory_budget_mb, --attachment_max_bytes and "
        "--attachment_fetch_timeout_ms must be positive, --attachment_cache_mb not negative");
  }
  if (!c.bounce_listen.empty() && c.bounce_domain.empty()) {
    return absl::InvalidArgumentError(
        "--bounce_listen needs --bounce_domain (the listener accepts mail for it only)");
  }
  if (c.bounce_max_message_bytes < 1024 || c.bounce_max_connections < 1 ||
      c.bounce_idle_timeout_seconds < 1) {
    return absl::InvalidArgumentError(
        "--bounce_max_message_bytes must be at least 1024, --bounce_max_connections and "
        "--bounce_idle_timeout_seconds at least 1");
  }
  if (c.partition_period_seconds < 1) {
    return absl::InvalidArgumentError("--partition_period_seconds must be at least 1");
  }
  if (c.purge_retention_hours < 0 || c.purge_interval_seconds < 0) {
    return absl::InvalidArgumentError(
        "--purge_retention_hours and --purge_interval_seconds must not be negative");
  }
  if (c.max_events_per_call < 1 || c.max_ctx_bytes < 2 || c.commit_max_rows < 1 ||
      c.commit_parallel_rows < 1) {
    return absl::InvalidArgumentError(
        "--max_events_per_call, --max_ctx_bytes, --commit_max_rows and --commit_parallel_rows must "
        "be positive");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ExecutionConfig> ParseExecutionConfig(int argc, const char* const* argv) {
  ExecutionConfig c;
  config::FlagSet flags(
      "execution-service [serve|migrate] [flags]\n"
      "Message Center execution instance: event ingestion and technical workflows.\n"
      "  serve    apply migrations (unless --nomigrate) and serve gRPC (default)\n"
      "  migrate  apply the schema migrations and exit");
  config::AddServiceFlags(flags, &c, "PostgreSQL schema of this instance (one per instance)",
                          "how often queue lengths are sampled from PostgreSQL for "
                          "mc_queue_events");
  flags.Int("max_events_per_call", &c.max_events_per_call, "PushEvents limit per call");
  flags.Int("max_ctx_bytes", &c.max_ctx_bytes, "largest event ctx accepted, as JSON bytes");
  flags.Int("commit_writers", &c.commit_writers, "group-commit writer threads");
  flags.Int("commit_max_rows", &c.commit_max_rows, "most rows in one group commit");
  flags.Int("commit_parallel_rows", &c.commit_parallel_rows,
            "a group commit starts while another of its queue is in flight only when this many "
            "rows of that queue wait");
  flags.Bool("start_workflows", &c.start_workflows,
             "start the four technical workflows at boot (else an operator starts them)");
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
  flags.Int("batch_poll_ms", &c.batch_poll_ms,
            "batch lane: how often an idle worker looks for events (no notification wakes it)");
  flags.Int("status_update_pause_ms", &c.status_update_pause_ms,
            "updateEventStatus: pause after a run that found less than a full batch, so that "
            "outcomes are copied onto events in batches (0: at once)");
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
            "a period whose events the control instance all archived is purged this long "
            "after it closed");
  flags.Int("partition_period_seconds", &c.partition_period_seconds,
            "events of one period share partitions, dropped whole by the purge; a new period "
            "opens this often");
  flags.Int("purge_interval_seconds", &c.purge_interval_seconds,
            "background purge: at start, then this often (0: off; the Purge RPC still works)");
  flags.Bool("webhook_allow_private_networks", &c.webhook_allow_private_networks,
             "let webhook subscriptions post to loopback, link-local and private addresses "
             "(local clusters and tests; off in production)");
  flags.Bool("webhook_allow_http", &c.webhook_allow_http,
             "let webhook subscriptions use http:// URLs (else https:// only)");
  flags.Int("webhook_timeout_ms", &c.webhook_timeout_ms,
            "webhook POST timeout (connection and response)");
  flags.Int("webhook_max_retry_hours", &c.webhook_max_retry_hours,
            "a webhook failing this long after its first failure is given up");
  flags.Int("webhook_retry_base_ms", &c.webhook_retry_base_ms,
            "first webhook retry delay (doubles at each failure, with jitter)");
  flags.Int("webhook_retry_cap_ms", &c.webhook_retry_cap_ms, "longest webhook retry delay");
  flags.Int("webhook_pause_after_seconds", &c.webhook_pause_after_seconds,
            "an endpoint failing without a success this long is paused until an operator "
            "resumes it (nothing queued is dropped)");
  flags.Int("webhook_endpoint_concurrency", &c.webhook_endpoint_concurrency,
            "concurrent POSTs per webhook endpoint on this replica");
  flags.Int("webhook_batch", &c.webhook_batch, "webhooks claimed per webhookDelivery run");
  flags.Int("webhook_lease_seconds", &c.webhook_lease_seconds,
            "how long a replica may hold claimed webhooks before they are sent again (by any "
            "replica, e.g. after a crash); longer than a run's POSTs take");
  flags.Int("soft_bounce_threshold", &c.soft_bounce_threshold,
            "soft bounces (mailbox full, 4.x.x) an address takes before its soft entry suppresses "
            "it, as ACC counts errors before quarantine");
  flags.Int("soft_bounce_expiry_hours", &c.soft_bounce_expiry_hours,
            "a soft entry stops suppressing this long after its last soft bounce (the next one "
            "counts from 1 again); hard and deny entries stay until removed");
  flags.String("bounce_domain", &c.bounce_domain,
               "domain of the signed return paths (VERP: each email's MAIL FROM names its "
               "event, so a late bounce can be traced to it); empty: every email's return path "
               "is --smtp_from's address");
  flags.Int("template_time_budget_ms", &c.template_time_budget_ms,
            "a template with code that runs longer than this for one event fails that event "
            "(Delivery failed, the reason says so); its lane goes on");
  flags.Int("template_memory_budget_mb", &c.template_memory_budget_mb,
            "memory one render of a template with code may allocate (beyond: that event fails)");
  flags.Int("attachment_max_bytes", &c.attachment_max_bytes,
            "largest total of one email's attachments, and of one fetched by URL");
  flags.Int("attachment_fetch_timeout_ms", &c.attachment_fetch_timeout_ms,
            "a template's attachment URL that does not answer in full within this is a soft "
            "failure (the event is tried again)");
  flags.Int("attachment_cache_mb", &c.attachment_cache_mb,
            "fetched attachments kept in memory, one copy per published template and URL (0: "
            "fetched for every message)");
  flags.Bool("attachment_allow_http", &c.attachment_allow_http,
             "allow http:// attachment URLs (development only)");
  flags.Bool("attachment_allow_private_networks", &c.attachment_allow_private_networks,
             "allow attachment URLs on private, loopback and link-local addresses");
  flags.String("attachment_ca_file", &c.attachment_ca_file,
               "PEM file of the CA certificates attachment servers are checked against (empty: "
               "the system's)");
  flags.String("bounce_listen", &c.bounce_listen,
               "host:port of the bounce listener (SMTP, for the bounce domain's MX: late bounces "
               "and complaints); port 0 picks a free one; empty: no listener");
  flags.Int("bounce_max_message_bytes", &c.bounce_max_message_bytes,
            "largest message the bounce listener takes (beyond: 552, not read)");
  flags.Int("bounce_max_connections", &c.bounce_max_connections,
            "connections the bounce listener serves at once (beyond: 421)");
  flags.Int("bounce_idle_timeout_seconds", &c.bounce_idle_timeout_seconds,
            "a bounce listener connection silent this long is closed");
  if (absl::Status s = flags.Parse(argc, argv); !s.ok()) return s;
  if (absl::Status s = config::FinishServiceFlags(flags, &c); !s.ok()) return s;
  if (c.help) return c;
  if (absl::Status s = CheckExecutionConfig(c); !s.ok()) return s;
  return c;
}

}  // namespace mc::execution
