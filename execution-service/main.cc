// execution-service: the composition root. Builds, in order: config, logger, schema, the page-token
// key, pool, repositories, logic, gRPC server; then waits for SIGTERM/SIGINT and drains.
#include <curl/curl.h>

#include <iostream>

#include "absl/synchronization/mutex.h"
#include "common/grpc/bearer_auth.h"
#include "common/grpc/call_gate.h"
#include "common/grpc/grpc_server.h"
#include "common/health/health_watcher.h"
#include "common/log/library_log_bridge.h"
#include "common/log/logger.h"
#include "common/metrics/metrics.h"
#include "common/periodic/periodic_task.h"
#include "common/pg/connection_pool.h"
#include "common/process/signals.h"
#include "common/service/service_start.h"
#include "execution-service/api/event_grpc_service.h"
#include "execution-service/api/instance_grpc_service.h"
#include "execution-service/api/method_roles.h"
#include "execution-service/api/template_grpc_service.h"
#include "execution-service/api/workflow_grpc_service.h"
#include "execution-service/archive/archive_export.h"
#include "execution-service/archive/archive_purge.h"
#include "execution-service/archive/archive_repository.h"
#include "execution-service/archive/identity_repository.h"
#include "execution-service/archive/instance_identity.h"
#include "execution-service/delivery/pipelining_smtp_sender.h"
#include "execution-service/delivery/sender_pool.h"
#include "execution-service/delivery/sms_sender.h"
#include "execution-service/delivery/smtp_sender.h"
#include "execution-service/events/event_ingestion.h"
#include "execution-service/events/event_repository.h"
#include "execution-service/events/group_committer.h"
#include "execution-service/events/page_token.h"
#include "execution-service/events/page_token_key_repository.h"
#include "execution-service/execution_config.h"
#include "execution-service/metrics/execution_metrics.h"
#include "execution-service/migrations/migrations.h"
#include "execution-service/processing/event_processor.h"
#include "execution-service/processing/processing_repository.h"
#include "execution-service/processing/status_updater.h"
#include "execution-service/templates/template_catalog.h"
#include "execution-service/templates/template_publishing.h"
#include "execution-service/workflows/workflow_control.h"

int main(int argc, char** argv) {
  using namespace mc;
  process::BlockTerminationSignals();
  curl_global_init(CURL_GLOBAL_DEFAULT);  // before any thread: libcurl's global state
  // Debian's Abseil checks every mutex acquisition for lock-order cycles (a debugging aid);
  // gRPC locks on every call, so it shows in profiles.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::StatusOr<execution::ExecutionConfig> config = execution::ParseExecutionConfig(argc, argv);
  if (!config.ok()) {
    std::cerr << "execution-service: " << config.status().message() << "\n";
    return 2;
  }
  if (config->help) {
    std::cout << config->usage;
    return 0;
  }
  log::Logger logger("execution", log::ParseLevel(config->log_level), std::cerr);
  // protobuf's and gRPC's own lines as JSON too, rate-limited.
  log::LibraryLogBridge library_logs(logger, {});

  if (std::optional<int> exit_code =
          service::MigrateAsConfigured(*config, execution::Migrations(), logger)) {
    return *exit_code;
  }
  std::optional<grpcutil::BearerAuth> auth = service::AuthAsConfigured(*config, logger);
  if (!auth) return 2;
  grpcutil::CallGate gate(*auth, execution::ExecutionMethodRoles());

  // ListEvents page tokens under the instance's key, the same on every replica and across
  // restarts. Read on a connection of its own: the pool below has not registered every
  // statement yet.
  absl::StatusOr<execution::PageTokenCodec> page_tokens = [&] {
    pg::ConnectionPool key_pool({.dsn = config->pg_dsn, .schema = config->schema, .size = 1});
    absl::StatusOr<std::string> key = execution::PageTokenKeyRepository(key_pool).LoadOrCreate();
    if (!key.ok()) return absl::StatusOr<execution::PageTokenCodec>(key.status());
    return execution::PageTokenCodec::Create(*std::move(key));
  }();
  if (!page_tokens.ok()) {
    logger.Error("cannot read the page token key", {{"error", page_tokens.status().message()}});
    return 1;
  }

  metrics::Metrics metrics;
  execution::ExecutionMetrics exec_metrics(metrics.registry());
  pg::ConnectionPool pool(
      {.dsn = config->pg_dsn, .schema = config->schema, .size = config->pg_pool_size});
  execution::EventRepository events(pool);
  execution::GroupCommitter committer(events,
                                      {.writers = config->commit_writers,
                                       .max_rows_per_commit = config->commit_max_rows,
                                       .parallel_min_rows = config->commit_parallel_rows},
                                      logger);
  execution::EventIngestion ingestion(
      committer, events,
      {.max_events_per_call = config->max_events_per_call,
       .max_ctx_bytes = static_cast<size_t>(config->max_ctx_bytes)});
  execution::EventGrpcService event_service(ingestion, gate, exec_metrics, logger, *page_tokens);

  // Technical workflows and templates.
  execution::WorkflowRepository workflow_repository(pool);
  execution::WorkflowStates workflow_states(
      workflow_repository, absl::Milliseconds(config->workflow_refresh_ms), logger);
  execution::WorkflowControl workflow_control(workflow_repository, workflow_states);
  execution::TemplateRepository template_repository(pool);
  execution::TemplateCatalog template_catalog(template_repository);
  execution::TemplatePublishing publishing(template_repository, workflow_repository);
  execution::TemplateGrpcService template_service(publishing, gate);
  execution::WorkflowGrpcService workflow_service(workflow_control, gate);

  // Archiving: the identity the control instance stamps, the export it pulls, the purge.
  execution::ArchiveRepository archive_repository(pool);
  execution::IdentityRepository identity_repository(pool);
  execution::InstanceIdentity instance_identity(identity_repository, workflow_repository,
                                                {.version = MC_VERSION, .schema = config->schema},
                                                logger);
  execution::ArchiveExport archive_export(archive_repository, identity_repository);
  execution::ArchivePurge archive_purge(
      archive_repository, {.retention = absl::Hours(config->purge_retention_hours)}, logger);
  execution::InstanceGrpcService instance_service(instance_identity, archive_export, archive_purge,
                                                  gate, logger);

  // Delivery: each lane has its own connections, so batch traffic never queues real-time mail.
  const execution::SmtpOptions smtp{.url = config->smtp_url,
                                    .from = config->smtp_from,
                                    .username = config->smtp_username,
                                    .password = config->smtp_password,
                                    .starttls = config->smtp_starttls};
  const execution::SmsOptions sms{.url = config->sms_url, .bearer_token = config->sms_token};
  auto smtp_factory = [&smtp]() -> std::unique_ptr<execution::MessageSender> {
    if (execution::CanPipeline(smtp)) {
      return std::make_unique<execution::PipeliningSmtpSender>(smtp);
    }
    return std::make_unique<execution::SmtpSender>(smtp);
  };
  auto sms_factory = [&sms] { return std::make_unique<execution::SmsSender>(sms); };
  // The workflows have their own connections: ingestion never waits behind them, and they
  // run with their own planner settings.
  pg::ConnectionPool workflow_pool(
      {.dsn = config->pg_dsn,
       .schema = config->schema,
       .size = 2 * config->lane_workers + 2,
       .session_settings = execution::ProcessingRepository::SessionSettings()});
  execution::ProcessingRepository processing(workflow_pool);
  execution::LocalSignal status_wake;
  const execution::ProcessorOptions processor_options{
      .batch_size = config->processing_batch,
      .lease = absl::Seconds(config->lease_seconds),
      .max_tries = config->max_tries,
      .retry_base = absl::Milliseconds(config->retry_base_ms),
      .message_id_domain = config->message_id_domain};
  // Each lane worker has its own connections: batch traffic never queues real-time mail, and
  // one worker sends while another claims or records.
  struct LaneWorker {
    std::unique_ptr<execution::SenderPool> email, sms;
    std::unique_ptr<execution::EventProcessor> processor;
  };
  // The real-time lane's workers share one LISTEN connection: a notification wakes one of them.
  pg::Listener rt_listener(config->pg_dsn, "mc_rt_" + config->schema);
  std::vector<LaneWorker> lane_workers;
  for (execution::Queue queue : {execution::Queue::kRealTime, execution::Queue::kBatch}) {
    for (int i = 0; i < config->lane_workers; ++i) {
      LaneWorker w;
      w.email = std::make_unique<execution::SenderPool>(config->smtp_concurrency, smtp_factory);
      w.sms = std::make_unique<execution::SenderPool>(config->sms_concurrency, sms_factory);
      w.processor = std::make_unique<execution::EventProcessor>(
          queue, processing, template_catalog, *w.email, *w.sms, processor_options,
          queue == execution::Queue::kRealTime ? &rt_listener : nullptr,
          [&status_wake] { status_wake.Notify(); }, exec_metrics, logger);
      lane_workers.push_back(std::move(w));
    }
  }
  execution::StatusUpdater status_updater(processing, config->processing_batch * 4,
                                          absl::Milliseconds(config->status_update_pause_ms),
                                          status_wake, exec_metrics);

  workflow_states.Refresh();
  if (config->start_workflows) {
    if (absl::Status s = workflow_control.StartAll(); !s.ok()) {
      logger.Error("cannot start the technical workflows", {{"error", s.message()}});
      return 1;
    }
  }
  std::vector<std::unique_ptr<execution::WorkflowRunner>> runners;
  auto add_runner = [&](const std::string& name, execution::WorkflowJob& job,
                        execution::RunnerTiming timing) {
    execution::ExecutionMetrics::WorkflowCounters counters = exec_metrics.ForWorkflow(name);
    runners.push_back(std::make_unique<execution::WorkflowRunner>(
        name, job, workflow_states, workflow_repository, counters.runs, counters.errors, logger,
        timing));
  };
  // The real-time lane and updateEventStatus are woken (a notification, a local signal) and
  // wait a second at most; the batch lane has no wake-up: it polls every --batch_poll_ms.
  for (size_t i = 0; i < lane_workers.size(); ++i) {
    const bool rt = i < static_cast<size_t>(config->lane_workers);
    add_runner(
        rt ? execution::kRtEventsProcessing : execution::kBatchEventsProcessing,
        *lane_workers[i].processor,
        rt ? execution::RunnerTiming{}
           : execution::RunnerTiming{.idle_wait = absl::Milliseconds(config->batch_poll_ms)});
  }
  add_runner(execution::kUpdateEventStatus, status_updater, {});

  // Metrics before gRPC: once the port file names the gRPC port, the metrics port is known.
  if (!service::ServeMetricsAsConfigured(*config, metrics, logger)) return 1;

  absl::StatusOr<std::unique_ptr<grpcutil::GrpcServer>> server = grpcutil::GrpcServer::Start(
      {.listen = config->listen,
       .tls_cert_file = config->tls_cert,
       .tls_key_file = config->tls_key,
       .tls_client_ca_file = config->tls_client_ca},
      {&event_service, &template_service, &workflow_service, &instance_service}, gate);
  if (!server.ok()) {
    logger.Error("cannot start gRPC server", {{"error", server.status().message()}});
    return 1;
  }
  (*server)->SetServing(true);
  service::WritePortFile(config->port_file, (*server)->port());
  logger.Info(
      "serving",
      {{"port", int64_t{(*server)->port()}}, {"schema", config->schema}, {"version", MC_VERSION}});
  // Queue lengths for mc_queue_events; health NOT_SERVING while PostgreSQL cannot be reached.
  periodic::PeriodicTask queue_sampler(absl::Milliseconds(config->metrics_sample_ms), [&] {
    absl::StatusOr<execution::OpenCounts> open = events.CountOpen();
    if (!open.ok()) return;  // the gauges keep their last values; health tells the outage
    for (execution::Queue q : execution::kQueues) {
      const int lane = execution::LaneOf(q);
      exec_metrics.SetQueueEvents(q, execution::EventStatus::kPending, open->n[lane][0]);
      exec_metrics.SetQueueEvents(q, execution::EventStatus::kPendingDelivery, open->n[lane][1]);
    }
  });
  health::HealthWatcher health_watcher(
      [&pool] { return pool.Ping(); }, [&server](bool serving) { (*server)->SetServing(serving); },
      {.interval = absl::Milliseconds(config->health_check_ms)}, logger);
  // The daily purge: at start, then every interval; each replica runs its own (ArchivePurge:
  // replicas share the work, never delete an event twice; failures logged there, retried).
  std::unique_ptr<periodic::PeriodicTask> purge_scheduler;
  if (config->purge_interval_seconds > 0) {
    purge_scheduler = std::make_unique<periodic::PeriodicTask>(
        absl::Seconds(config->purge_interval_seconds), [&] { (void)archive_purge.Purge(); });
  }

  int sig = process::WaitForTerminationSignal();
  logger.Info("draining", {{"signal", int64_t{sig}}});
  health_watcher.Stop();  // before the shutdown sets NOT_SERVING for good
  queue_sampler.Stop();
  (*server)->Shutdown(absl::Seconds(config->shutdown_grace_seconds));
  committer.Stop();
  if (purge_scheduler) purge_scheduler->Stop();
  for (auto& runner : runners) runner->RequestStop();  // all finish their runs at once
  for (auto& runner : runners) runner->Stop();
  workflow_states.Stop();
  logger.Info("stopped");
  return 0;
}
