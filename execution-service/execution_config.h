// The execution instance's configuration: flags, each with an MC_* environment fallback
// (see `execution-service --help`).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/config/service_flags.h"

namespace mc::execution {

// The common service flags (listen, PostgreSQL, tokens, TLS, metrics, ...) and the instance's own.
struct ExecutionConfig : config::ServiceFlags {
  ExecutionConfig() {
    listen = "0.0.0.0:50051";
    schema = "mc_exec";
    metrics_listen = "0.0.0.0:9464";
  }
  int max_events_per_call = 1000;
  int max_ctx_bytes = 64 * 1024;
  int commit_writers = 4;
  int commit_max_rows = 5000;
  int commit_parallel_rows = 100;
  // Technical workflows and delivery.
  bool start_workflows = false;
  int processing_batch = 500;
  int lane_workers = 2;
  int lease_seconds = 60;
  int max_tries = 5;
  int retry_base_ms = 30000;
  int workflow_refresh_ms = 500;
  int batch_poll_ms = 1000;
  int status_update_pause_ms = 100;
  std::string message_id_domain = "messagecenter.local";
  std::string smtp_url = "smtp://127.0.0.1:25";
  std::string smtp_from = "Message Center <noreply@messagecenter.local>";
  std::string smtp_username;
  std::string smtp_password;
  bool smtp_starttls = false;
  int smtp_concurrency = 8;
  std::string sms_url;
  std::string sms_token;
  int sms_concurrency = 4;
  // Archiving: acknowledged final events older than the retention are purged, every interval.
  int purge_retention_hours = 168;
  int purge_interval_seconds = 86400;  // 0: no background purge (the Purge RPC still works)
  // Storage: each period's events and logs in partitions of their own (purged whole).
  int partition_period_seconds = 86400;
  // Status webhooks (webhookDelivery).
  bool webhook_allow_private_networks = false;
  bool webhook_allow_http = false;
  int webhook_timeout_ms = 10000;
  int webhook_max_retry_hours = 24;
  int webhook_retry_base_ms = 5000;
  int webhook_retry_cap_ms = 3600 * 1000;
  int webhook_pause_after_seconds = 3600;
  int webhook_endpoint_concurrency = 4;
  int webhook_batch = 500;
  int webhook_lease_seconds = 300;
  // The suppression list: soft bounces an address takes before it is suppressed, and how long
  // a soft entry suppresses after its last failure (suppressions/suppression_policy.h).
  int soft_bounce_threshold = 3;
  int soft_bounce_expiry_hours = 7 * 24;
  // Each email's return path: a signed VERP address on this domain (empty: --smtp_from's).
  std::string bounce_domain;
  // Templates with code: each render's budgets (ScriptHeap, common/script/script_heap.h).
  int template_time_budget_ms = 50;
  int template_memory_budget_mb = 8;
  // Attachments: all of one email's together; each URL fetch's size, timeout and guard; the
  // per-process cache of fetched ones (one copy per published copy and URL).
  int attachment_max_bytes = 10 << 20;
  int attachment_fetch_timeout_ms = 30000;
  int attachment_cache_mb = 64;
  bool attachment_allow_http = false;
  bool attachment_allow_private_networks = false;
  std::string attachment_ca_file;  // PEM; empty: the system's CA certificates
  // The bounce listener (inbound/smtp_listener.h): where the bounce domain's MX hands bounces
  // and complaints over ("host:port"; empty: none; needs --bounce_domain), and its limits.
  std::string bounce_listen;
  int bounce_max_message_bytes = 10 << 20;
  int bounce_max_connections = 64;
  int bounce_idle_timeout_seconds = 60;
};

// INVALID_ARGUMENT naming the flag for unknown flags, bad values or a missing --pg_dsn.
[[nodiscard]] absl::StatusOr<ExecutionConfig> ParseExecutionConfig(int argc,
                                                                   const char* const* argv);

}  // namespace mc::execution
