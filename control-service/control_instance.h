// ControlInstance: one running control instance, the composition root of control-service:
// every part built from the flags, started in order, stopped in one place. The members below
// are built in the order they are declared: metrics, the pool and repositories, the client of
// the execution instances (its TLS files read first) and the key of the archive search's page
// tokens (read, or created, first), the logic (accounts, templates and their blocks, archiving,
// webhook subscriptions, archive search, the instances' suppression lists), the gRPC services,
// the web console's sessions and handler. Start() then serves metrics, then gRPC (port file,
// "serving" line), then with --http_listen HTTP/JSON with the console in front (--console), and
// starts the archiving lag sampler, the health watcher and, with --archiving_scheduler, the
// archiving scheduler.
// Stop() is the drain, in this order: no new archiving run, and runs in progress (scheduled or
// RunNow) get --shutdown_grace_seconds, then stop at their next page boundary (Archiver::StopBy,
// the scheduler asked to stop); the health watcher (before the shutdown sets NOT_SERVING for
// good); the lag sampler; the gRPC shutdown (its CallGate drained for at most the grace); the
// scheduler waited for. So the exit is bounded.
//
// Failure modes: Start() logs why it failed and returns the status, its exit code marked
// (service/exit_code.h): 2 when the tokens or the TLS files to the execution instances are
// unusable; 1 when a port cannot be bound. What was started by then is stopped. Tests may start
// one in-process (listen on port 0, see port()).
// Thread safety: Start() and Stop() from one thread (main, a test); the parts are thread-safe.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "common/grpc/bearer_auth.h"
#include "common/grpc/call_gate.h"
#include "common/grpc/grpc_server.h"
#include "common/health/health_watcher.h"
#include "common/http/http_server.h"
#include "common/log/logger.h"
#include "common/metrics/metrics.h"
#include "common/periodic/periodic_task.h"
#include "common/pg/connection_pool.h"
#include "common/service/service_start.h"
#include "control-service/accounts/account_manager.h"
#include "control-service/accounts/account_repository.h"
#include "control-service/api/account_grpc_service.h"
#include "control-service/api/archive_search_grpc_service.h"
#include "control-service/api/archiving_grpc_service.h"
#include "control-service/api/block_grpc_service.h"
#include "control-service/api/method_roles.h"
#include "control-service/api/report_grpc_service.h"
#include "control-service/api/subscription_grpc_service.h"
#include "control-service/api/suppression_grpc_service.h"
#include "control-service/api/template_grpc_service.h"
#include "control-service/archive_search/archive_search.h"
#include "control-service/archive_search/archive_search_repository.h"
#include "control-service/archive_search/search_token.h"
#include "control-service/archiving/archiver.h"
#include "control-service/archiving/archiving_control.h"
#include "control-service/archiving/archiving_repository.h"
#include "control-service/archiving/archiving_scheduler.h"
#include "control-service/console/console_handler.h"
#include "control-service/console/console_sessions.h"
#include "control-service/control_config.h"
#include "control-service/execution/execution_client.h"
#include "control-service/metrics/control_metrics.h"
#include "control-service/reports/report_repository.h"
#include "control-service/suppressions/suppression_fanout.h"
#include "control-service/templates/block_authoring.h"
#include "control-service/templates/block_repository.h"
#include "control-service/templates/template_authoring.h"
#include "control-service/templates/template_repository.h"
#include "control-service/webhooks/execution_targets.h"
#include "control-service/webhooks/subscription_authoring.h"
#include "control-service/webhooks/subscription_repository.h"

namespace mc::control {

class ControlInstance {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ControlInstance>> Start(
      const ControlConfig& config, log::Logger& logger);
  ~ControlInstance();  // Stop()
  ControlInstance(const ControlInstance&) = delete;
  ControlInstance& operator=(const ControlInstance&) = delete;

  // The bound gRPC port.
  int port() const { return server_->port(); }
  // The drain (see above). Once; later calls do nothing.
  void Stop();

 private:
  ControlInstance(const ControlConfig& config, grpcutil::BearerAuth auth,
                  ExecutionClientOptions client_options, SearchTokenCodec search_tokens,
                  log::Logger& logger);
  // The deadline and the TLS files (read here) of the calls to the execution instances.
  [[nodiscard]] static absl::StatusOr<ExecutionClientOptions> ClientOptions(
      const ControlConfig& config, log::Logger& logger);
  // The key of SearchEvents page tokens, shared by every replica (created by the first).
  [[nodiscard]] static absl::StatusOr<SearchTokenCodec> LoadSearchTokens(
      const ControlConfig& config);
  [[nodiscard]] absl::Status StartServing();
  // The console in front of the HTTP/JSON gateway; none with --noconsole.
  service::HttpFront ConsoleFront();

  const ControlConfig config_;
  log::Logger& logger_;
  const grpcutil::BearerAuth auth_;
  grpcutil::CallGate gate_{auth_, ControlMethodRoles()};

  metrics::Metrics metrics_;
  ControlMetrics control_metrics_{metrics_.registry()};  // its lag refreshed at each scrape
  pg::ConnectionPool pool_{
      {.dsn = config_.pg_dsn, .schema = config_.schema, .size = config_.pg_pool_size}};
  AccountRepository accounts_{pool_};
  TemplateRepository templates_{pool_};
  BlockRepository blocks_{pool_};
  ArchivingRepository archive_{pool_};
  ReportRepository reports_{pool_};
  SubscriptionRepository subscriptions_{pool_};
  ArchiveSearchRepository archive_search_store_{pool_};

  const ExecutionClient client_;
  const SearchTokenCodec search_tokens_;
  AccountManager account_manager_{accounts_, client_};
  TemplateAuthoring authoring_{templates_, blocks_, accounts_, archive_, client_, control_metrics_};
  BlockAuthoring block_authoring_{blocks_, templates_};
  Archiver archiver_{archive_,
                     accounts_,
                     client_,
                     {.lock_dsn = config_.pg_dsn,
                      .schema = config_.schema,
                      .page_size = config_.archive_page_size},
                     control_metrics_,
                     logger_};
  ArchivingControl archiving_{archive_, archiver_,
                              absl::Hours(24) * config_.archive_retention_days};
  AccountTargets account_targets_{accounts_};
  SubscriptionAuthoring subscription_authoring_{subscriptions_, account_targets_, client_, logger_};
  ArchiveSearch archive_search_{archive_search_store_, search_tokens_};
  SuppressionFanout suppressions_{account_targets_, client_, logger_};

  AccountGrpcService account_service_{account_manager_, gate_};
  TemplateGrpcService template_service_{authoring_, gate_};
  BlockGrpcService block_service_{block_authoring_, gate_};
  ArchivingGrpcService archiving_service_{archiving_, gate_};
  ReportGrpcService report_service_{reports_, gate_};
  SubscriptionGrpcService subscription_service_{subscription_authoring_, gate_};
  ArchiveSearchGrpcService archive_search_service_{archive_search_, gate_};
  SuppressionGrpcService suppression_service_{suppressions_, gate_};

  // The web console (--console, on the HTTP listener): its calls go through the gateway above.
  ConsoleSessions console_sessions_{
      {.idle = absl::Minutes(config_.console_idle_minutes),
       .lifetime = absl::Hours(config_.console_session_hours),
       .max_sessions = static_cast<size_t>(config_.console_max_sessions)}};
  ConsoleHandler console_{console_sessions_, gate_,
                          /*tls=*/!config_.tls_cert.empty() && !config_.http_plaintext,
                          config_.console_origin};

  // Started by Start(), in this order.
  std::unique_ptr<grpcutil::GrpcServer> server_;
  std::unique_ptr<http::HttpServer> http_;  // none without --http_listen
  std::unique_ptr<periodic::PeriodicTask> lag_sampler_;
  std::unique_ptr<health::HealthWatcher> health_watcher_;
  std::unique_ptr<ArchivingScheduler> scheduler_;  // none without --archiving_scheduler
  bool stopped_ = false;
};

}  // namespace mc::control
