// The control instance's configuration: flags, each with an MC_* environment fallback (see
// `control-service --help`).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/config/service_flags.h"

namespace mc::control {

// The common service flags (listen, PostgreSQL, tokens, TLS, metrics, ...) and the control's own.
struct ControlConfig : config::ServiceFlags {
  ControlConfig() {
    listen = "0.0.0.0:50061";
    schema = "mc_control";
    metrics_listen = "0.0.0.0:9465";
  }
  // Archiving.
  bool archiving_scheduler = true;
  int archiving_poll_ms = 1000;
  int archive_page_size = 1000;
  int execution_deadline_seconds = 10;
  // Client side of TLS to execution instances whose account says TLS.
  std::string execution_tls_ca, execution_tls_cert, execution_tls_key;
  int archive_retention_days = 180;
  int purge_interval_seconds = 86400;
  // The web console on the HTTP listener (/console/), and its sessions.
  bool console = true;
  int console_idle_minutes = 30;
  int console_session_hours = 12;
  int console_max_sessions = 1000;
  std::string console_origin;  // "https://mc.example.com": the one origin accepted, when set
};

// INVALID_ARGUMENT naming the flag for a bad or missing value.
[[nodiscard]] absl::StatusOr<ControlConfig> ParseControlConfig(int argc, const char* const* argv);

}  // namespace mc::control
