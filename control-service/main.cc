// control-service: the composition root. Builds, in order: config, logger, schema, pool,
// repositories, logic, gRPC server, archiving scheduler; then waits for SIGTERM/SIGINT and
// drains.
#include <iostream>

#include "absl/synchronization/mutex.h"
#include "common/grpc/bearer_auth.h"
#include "common/grpc/call_gate.h"
#include "common/grpc/grpc_server.h"
#include "common/grpc/pem_file.h"
#include "common/health/health_watcher.h"
#include "common/log/library_log_bridge.h"
#include "common/log/logger.h"
#include "common/metrics/metrics.h"
#include "common/periodic/periodic_task.h"
#include "common/pg/connection_pool.h"
#include "common/process/signals.h"
#include "common/service/service_start.h"
#include "control-service/api/account_grpc_service.h"
#include "control-service/api/archiving_grpc_service.h"
#include "control-service/api/method_roles.h"
#include "control-service/api/report_grpc_service.h"
#include "control-service/api/template_grpc_service.h"
#include "control-service/archiving/archiving_scheduler.h"
#include "control-service/control_config.h"
#include "control-service/execution/execution_client.h"
#include "control-service/metrics/control_metrics.h"
#include "control-service/migrations/migrations.h"

int main(int argc, char** argv) {
  using namespace mc;
  process::BlockTerminationSignals();
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::StatusOr<control::ControlConfig> config = control::ParseControlConfig(argc, argv);
  if (!config.ok()) {
    std::cerr << "control-service: " << config.status().message() << "\n";
    return 2;
  }
  if (config->help) {
    std::cout << config->usage;
    return 0;
  }
  log::Logger logger("control", log::ParseLevel(config->log_level), std::cerr);
  // protobuf's and gRPC's own lines as JSON too, rate-limited.
  log::LibraryLogBridge library_logs(logger, {});

  if (std::optional<int> exit_code =
          service::MigrateAsConfigured(*config, control::Migrations(), logger)) {
    return *exit_code;
  }
  std::optional<grpcutil::BearerAuth> auth = service::AuthAsConfigured(*config, logger);
  if (!auth) return 2;
  grpcutil::CallGate gate(*auth, control::ControlMethodRoles());

  metrics::Metrics metrics;
  control::ControlMetrics control_metrics(metrics.registry());
  metrics.OnScrape([&control_metrics] { control_metrics.RefreshLag(absl::Now()); });
  pg::ConnectionPool pool(
      {.dsn = config->pg_dsn, .schema = config->schema, .size = config->pg_pool_size});
  control::AccountRepository accounts(pool);
  control::TemplateRepository templates(pool);
  control::ArchivingRepository archive(pool);
  control::ReportRepository reports(pool);

  control::ExecutionClientOptions client_options{
      .deadline = absl::Seconds(config->execution_deadline_seconds)};
  for (auto [path, pem] : {std::pair{&config->execution_tls_ca, &client_options.tls_ca},
                           std::pair{&config->execution_tls_cert, &client_options.tls_cert},
                           std::pair{&config->execution_tls_key, &client_options.tls_key}}) {
    if (path->empty()) continue;
    absl::StatusOr<std::string> text = grpcutil::ReadPemFile(*path);
    if (!text.ok()) {
      logger.Error("TLS to execution instances not configured",
                   {{"error", text.status().message()}});
      return 2;
    }
    *pem = *std::move(text);
  }
  const control::ExecutionClient client(std::move(client_options));
  control::AccountManager account_manager(accounts, client);
  control::TemplateAuthoring authoring(templates, accounts, archive, client, control_metrics);
  control::Archiver archiver(archive, accounts, client,
                             {.lock_dsn = config->pg_dsn,
                              .schema = config->schema,
                              .page_size = config->archive_page_size},
                             control_metrics, logger);
  control::ArchivingControl archiving(archive, archiver,
                                      absl::Hours(24) * config->archive_retention_days);

  control::AccountGrpcService account_service(account_manager, gate);
  control::TemplateGrpcService template_service(authoring, gate);
  control::ArchivingGrpcService archiving_service(archiving, gate);
  control::ReportGrpcService report_service(reports, gate);
  // Metrics before gRPC: once the port file names the gRPC port, the metrics port is known.
  if (!service::ServeMetricsAsConfigured(*config, metrics, logger)) return 1;
  absl::StatusOr<std::unique_ptr<grpcutil::GrpcServer>> server = grpcutil::GrpcServer::Start(
      {.listen = config->listen,
       .tls_cert_file = config->tls_cert,
       .tls_key_file = config->tls_key,
       .tls_client_ca_file = config->tls_client_ca},
      {&account_service, &template_service, &archiving_service, &report_service}, gate);
  if (!server.ok()) {
    logger.Error("cannot start gRPC server", {{"error", server.status().message()}});
    return 1;
  }
  (*server)->SetServing(true);
  service::WritePortFile(config->port_file, (*server)->port());
  logger.Info("serving", {{"port", int64_t{(*server)->port()}}, {"schema", config->schema}});

  // Archiving lag from the runs of every replica; health NOT_SERVING while PostgreSQL is down.
  periodic::PeriodicTask lag_sampler(absl::Milliseconds(config->metrics_sample_ms), [&] {
    absl::StatusOr<std::vector<std::pair<std::string, absl::Time>>> last = archive.LastArchived();
    if (last.ok()) control_metrics.SetLastArchived(*last);
  });
  health::HealthWatcher health_watcher(
      [&pool] { return pool.Ping(); }, [&server](bool serving) { (*server)->SetServing(serving); },
      {.interval = absl::Milliseconds(config->health_check_ms)}, logger);
  std::unique_ptr<control::ArchivingScheduler> scheduler;
  if (config->archiving_scheduler) {
    scheduler = std::make_unique<control::ArchivingScheduler>(
        archive, archiver, archiving,
        control::SchedulerOptions{.poll = absl::Milliseconds(config->archiving_poll_ms),
                                  .purge_interval = absl::Seconds(config->purge_interval_seconds)},
        logger);
  }

  int sig = process::WaitForTerminationSignal();
  logger.Info("draining", {{"signal", int64_t{sig}}});
  // No new archiving run; runs in progress (scheduled or RunNow) get the grace period, then
  // stop at their next page boundary, so the exit is bounded.
  const absl::Duration grace = absl::Seconds(config->shutdown_grace_seconds);
  archiver.StopBy(absl::Now() + grace);
  if (scheduler) scheduler->RequestStop();
  health_watcher.Stop();  // before the shutdown sets NOT_SERVING for good
  lag_sampler.Stop();
  (*server)->Shutdown(grace);
  if (scheduler) scheduler->Stop();
  logger.Info("stopped");
  return 0;
}
