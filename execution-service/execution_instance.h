// ExecutionInstance: one running execution instance, the composition root of execution-service:
// every part built from the flags, started in order, stopped in one place. The members below
// are built in the order they are declared: metrics, the pool and ingestion, the technical
// workflows and templates, archiving, webhook subscriptions, delivery (its own pool, a LISTEN
// connection, the lane workers), webhookDelivery. Start() then reads the workflows' states (and
// starts them with --start_workflows), starts one runner per lane worker and updateEventStatus,
// serves metrics, the bounce listener (with --bounce_listen), then gRPC (port file, "serving"
// line), and starts the queue sampler, the health watcher and the purge. Stop() is the drain,
// in this order: the health watcher (before the shutdown sets NOT_SERVING for good), the queue
// sampler, the gRPC shutdown (its CallGate drained for at most --shutdown_grace_seconds), the
// bounce listener (its connections closed: a message not fully read is sent again by its MTA),
// the group committer (pending events committed), the purge, every runner (all asked at once,
// then each waited for), the workflow states.
//
// Failure modes: Start() logs why it failed and returns the status, its exit code marked
// (service/exit_code.h): 2 when the tokens are unusable; 1 when the page token key cannot be
// read, the workflows cannot be started, or a port cannot be bound. What was started by then
// is stopped. Tests may start one in-process (listen on port 0, see port()).
// Thread safety: Start() and Stop() from one thread (main, a test); the parts are thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

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
#include "common/pg/listener.h"
#include "execution-service/api/event_grpc_service.h"
#include "execution-service/api/instance_grpc_service.h"
#include "execution-service/api/method_roles.h"
#include "execution-service/api/suppression_grpc_service.h"
#include "execution-service/api/template_grpc_service.h"
#include "execution-service/api/webhook_grpc_service.h"
#include "execution-service/api/workflow_grpc_service.h"
#include "execution-service/archive/archive_export.h"
#include "execution-service/archive/archive_purge.h"
#include "execution-service/archive/archive_repository.h"
#include "execution-service/archive/identity_repository.h"
#include "execution-service/archive/instance_identity.h"
#include "execution-service/bounces/verp.h"
#include "execution-service/delivery/attachment_cache.h"
#include "execution-service/delivery/attachment_fetcher.h"
#include "execution-service/delivery/sender_pool.h"
#include "execution-service/delivery/sms_sender.h"
#include "execution-service/delivery/smtp_sender.h"
#include "execution-service/events/event_ingestion.h"
#include "execution-service/events/event_repository.h"
#include "execution-service/events/group_committer.h"
#include "execution-service/events/page_token.h"
#include "execution-service/execution_config.h"
#include "execution-service/inbound/bounce_processor.h"
#include "execution-service/inbound/inbound_metrics.h"
#include "execution-service/inbound/late_outcome_repository.h"
#include "execution-service/inbound/smtp_listener.h"
#include "execution-service/inbound/verp_return_paths.h"
#include "execution-service/metrics/execution_metrics.h"
#include "execution-service/outbox/outbox_repository.h"
#include "execution-service/outbox/sender_dispatch.h"
#include "execution-service/outbox/webhook_delivery.h"
#include "execution-service/outbox/webhook_metrics.h"
#include "execution-service/partitions/partition_repository.h"
#include "execution-service/partitions/partition_rotation.h"
#include "execution-service/processing/event_processor.h"
#include "execution-service/processing/processing_repository.h"
#include "execution-service/processing/status_updater.h"
#include "execution-service/proofs/proof_sender.h"
#include "execution-service/subscriptions/subscription_registry.h"
#include "execution-service/subscriptions/subscription_repository.h"
#include "execution-service/suppressions/suppression_list.h"
#include "execution-service/suppressions/suppression_policy.h"
#include "execution-service/suppressions/suppression_repository.h"
#include "execution-service/templates/template_catalog.h"
#include "execution-service/templates/template_publishing.h"
#include "execution-service/templates/template_repository.h"
#include "execution-service/webhooks/curl_webhook_transport.h"
#include "execution-service/webhooks/webhook_sender.h"
#include "execution-service/workflows/local_signal.h"
#include "execution-service/workflows/workflow_control.h"
#include "execution-service/workflows/workflow_repository.h"
#include "execution-service/workflows/workflow_runner.h"
#include "execution-service/workflows/workflow_states.h"

namespace mc::execution {

class ExecutionInstance {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ExecutionInstance>> Start(
      const ExecutionConfig& config, log::Logger& logger);
  ~ExecutionInstance();  // Stop()
  ExecutionInstance(const ExecutionInstance&) = delete;
  ExecutionInstance& operator=(const ExecutionInstance&) = delete;

  // The bound gRPC port.
  int port() const { return server_->port(); }
  // The bound bounce listener port (0 without --bounce_listen).
  int bounce_port() const { return bounce_listener_ ? bounce_listener_->port() : 0; }
  // The drain (see above). Once; later calls do nothing.
  void Stop();

 private:
  // Each lane worker has its own connections: batch traffic never queues real-time mail, and
  // one worker sends while another claims or records.
  struct LaneWorker {
    std::unique_ptr<SenderPool> email, sms;
    std::unique_ptr<EventProcessor> processor;
  };

  // The bounce domain's return paths: signed under the instance's key (bounce_key), naming the
  // instance's identifier (else its schema).
  struct Bounces {
    VerpCodec codec;
    std::string instance;
  };

  ExecutionInstance(const ExecutionConfig& config, grpcutil::BearerAuth auth,
                    PageTokenCodec page_tokens, std::optional<Bounces> bounces,
                    log::Logger& logger);
  // ListEvents page tokens under the instance's key, the same on every replica and across
  // restarts. Read on a connection of its own: the pool has not registered every statement yet.
  [[nodiscard]] static absl::StatusOr<PageTokenCodec> LoadPageTokens(const ExecutionConfig& config);
  // nullopt without --bounce_domain. Read as the page token key is.
  [[nodiscard]] static absl::StatusOr<std::optional<Bounces>> LoadBounces(
      const ExecutionConfig& config);
  static std::string Version();
  // The real-time lane's workers, then the batch lane's.
  std::vector<LaneWorker> MakeLaneWorkers();
  // One connection's sender, as configured (pipelining when the relay's URL allows it).
  std::unique_ptr<MessageSender> NewSmtpSender() const;
  std::unique_ptr<MessageSender> NewSmsSender() const;
  // How every message is made (lanes and proofs alike): budgets, attachment limit and cache.
  MessageAssemblyOptions AssemblyOptions();
  [[nodiscard]] absl::Status StartWorkflows();
  void AddRunner(const std::string& name, WorkflowJob& job, RunnerTiming timing);
  [[nodiscard]] absl::Status StartServing();
  // With --bounce_listen: the SMTP listener handing each message to the bounce processor.
  [[nodiscard]] absl::Status StartBounceListener();
  // Queue lengths for mc_queue_events, queued webhooks for mc_webhooks_queued.
  void SampleQueues();
  SubscriptionRules SubscriptionRulesAsConfigured() const;

  const ExecutionConfig config_;
  log::Logger& logger_;
  const grpcutil::BearerAuth auth_;
  grpcutil::CallGate gate_{auth_, ExecutionMethodRoles()};
  const PageTokenCodec page_tokens_;

  metrics::Metrics metrics_;
  ExecutionMetrics exec_metrics_{metrics_.registry()};
  pg::ConnectionPool pool_{
      {.dsn = config_.pg_dsn, .schema = config_.schema, .size = config_.pg_pool_size}};
  EventRepository events_{pool_};
  GroupCommitter committer_{events_,
                            {.writers = config_.commit_writers,
                             .max_rows_per_commit = config_.commit_max_rows,
                             .parallel_min_rows = config_.commit_parallel_rows},
                            logger_};
  EventIngestion ingestion_{committer_,
                            events_,
                            {.max_events_per_call = config_.max_events_per_call,
                             .max_ctx_bytes = static_cast<size_t>(config_.max_ctx_bytes)}};
  EventGrpcService event_service_{ingestion_, gate_, exec_metrics_, logger_, page_tokens_};

  // Technical workflows and templates.
  WorkflowRepository workflow_repository_{pool_};
  WorkflowStates workflow_states_{workflow_repository_,
                                  absl::Milliseconds(config_.workflow_refresh_ms), logger_};
  WorkflowControl workflow_control_{workflow_repository_, workflow_states_};
  TemplateRepository template_repository_{pool_};
  TemplateCatalog template_catalog_{template_repository_};
  TemplatePublishing publishing_{template_repository_, workflow_repository_};
  WorkflowGrpcService workflow_service_{workflow_control_, gate_};

  // Archiving: the identity the control instance stamps, the export it pulls, the purge.
  ArchiveRepository archive_repository_{pool_};
  IdentityRepository identity_repository_{pool_};
  InstanceIdentity instance_identity_{identity_repository_,
                                      workflow_repository_,
                                      {.version = Version(), .schema = config_.schema},
                                      logger_};
  ArchiveExport archive_export_{archive_repository_, identity_repository_};
  PartitionRepository partitions_{pool_};
  PartitionRotation partition_rotation_{partitions_,
                                        absl::Seconds(config_.partition_period_seconds), logger_};
  ArchivePurge archive_purge_{archive_repository_,
                              partitions_,
                              {.retention = absl::Hours(config_.purge_retention_hours)},
                              logger_};
  InstanceGrpcService instance_service_{instance_identity_, archive_export_, archive_purge_, gate_,
                                        logger_};

  // Status webhooks: the subscriptions the control instance publishes (checked with the URL
  // guard and the secrets' form of the sender).
  const UrlGuardOptions url_guard_{
      .allow_http = config_.webhook_allow_http,
      .allow_private_networks = config_.webhook_allow_private_networks};
  SubscriptionRepository subscription_repository_{pool_};
  SubscriptionRegistry subscriptions_{subscription_repository_, SubscriptionRulesAsConfigured()};
  WebhookGrpcService webhook_service_{subscriptions_, gate_};

  // The suppression list (quarantine and deny list) operators and the control manage; its
  // policy is the late bounces' too.
  const SuppressionPolicy suppression_policy_{
      .soft_threshold = config_.soft_bounce_threshold,
      .soft_expiry = absl::Hours(config_.soft_bounce_expiry_hours)};
  SuppressionRepository suppression_repository_{pool_};
  SuppressionList suppressions_{suppression_repository_, suppression_policy_};
  SuppressionGrpcService suppression_service_{suppressions_, gate_};

  // Each email's signed return path (with --bounce_domain).
  const std::optional<Bounces> bounces_;
  const std::unique_ptr<VerpReturnPaths> return_paths_ =
      bounces_ ? std::make_unique<VerpReturnPaths>(bounces_->codec, bounces_->instance) : nullptr;
  // What bounces and complaints received on --bounce_listen do (the listener itself is started
  // by StartServing).
  InboundMetrics inbound_metrics_{metrics_.registry()};
  const std::unique_ptr<LateOutcomeRepository> late_outcomes_ =
      bounces_ && !config_.bounce_listen.empty()
          ? std::make_unique<LateOutcomeRepository>(pool_, suppression_policy_)
          : nullptr;
  const std::unique_ptr<BounceProcessor> bounce_processor_ =
      late_outcomes_
          ? std::make_unique<BounceProcessor>(
                bounces_->codec, std::vector<std::string>{bounces_->instance, config_.schema},
                *late_outcomes_, inbound_metrics_, logger_,
                static_cast<size_t>(config_.bounce_max_message_bytes))
          : nullptr;

  // Attachments by URL, fetched once per published copy and URL (AttachmentCache over libcurl).
  AttachmentCache attachments_{
      std::make_unique<CurlAttachmentFetcher>(AttachmentFetcherOptions{
          .guard = {.allow_http = config_.attachment_allow_http,
                    .allow_private_networks = config_.attachment_allow_private_networks,
                    .flag_prefix = "attachment"},
          .max_bytes = static_cast<size_t>(config_.attachment_max_bytes),
          .timeout = absl::Milliseconds(config_.attachment_fetch_timeout_ms),
          .ca_file = config_.attachment_ca_file}),
      static_cast<size_t>(config_.attachment_cache_mb) << 20};

  // Delivery: each lane has its own connections, so batch traffic never queues real-time mail.
  const SmtpOptions smtp_{.url = config_.smtp_url,
                          .from = config_.smtp_from,
                          .username = config_.smtp_username,
                          .password = config_.smtp_password,
                          .starttls = config_.smtp_starttls};
  const SmsOptions sms_{.url = config_.sms_url, .bearer_token = config_.sms_token};
  // The workflows have their own connections: ingestion never waits behind them, and they
  // run with their own planner settings.
  pg::ConnectionPool workflow_pool_{{.dsn = config_.pg_dsn,
                                     .schema = config_.schema,
                                     .size = 2 * config_.lane_workers + 3,
                                     .session_settings = ProcessingRepository::SessionSettings()}};
  ProcessingRepository processing_{workflow_pool_};
  LocalSignal status_wake_;
  // The real-time lane's workers share one LISTEN connection: a notification wakes one of them.
  pg::Listener rt_listener_{config_.pg_dsn, "mc_rt_" + config_.schema};
  std::vector<LaneWorker> lane_workers_ = MakeLaneWorkers();
  // Proofs have their own connection per channel: a proof never waits behind a lane's batch.
  SenderPool proof_email_{1, [this] { return NewSmtpSender(); }};
  SenderPool proof_sms_{1, [this] { return NewSmsSender(); }};
  ProofSender proofs_{
      proof_email_,
      proof_sms_,
      {.message_id_domain = config_.message_id_domain, .assembly = AssemblyOptions()}};
  TemplateGrpcService template_service_{publishing_, proofs_, gate_};
  // webhookDelivery is woken by the workflows that change statuses on this replica.
  LocalSignal webhook_wake_;
  StatusUpdater status_updater_{processing_,
                                config_.processing_batch * 4,
                                absl::Milliseconds(config_.status_update_pause_ms),
                                status_wake_,
                                exec_metrics_,
                                [this] { webhook_wake_.Notify(); }};
  WebhookMetrics webhook_metrics_{metrics_.registry()};
  OutboxRepository outbox_{workflow_pool_, config_.schema};
  CurlWebhookTransport webhook_transport_{
      {.max_per_endpoint = config_.webhook_endpoint_concurrency,
       .connect_timeout =
           std::min(absl::Milliseconds(config_.webhook_timeout_ms), absl::Seconds(5))}};
  WebhookSender webhook_sender_{webhook_transport_,
                                {.timeout = absl::Milliseconds(config_.webhook_timeout_ms),
                                 .max_retry_age = absl::Hours(config_.webhook_max_retry_hours),
                                 .backoff_base = absl::Milliseconds(config_.webhook_retry_base_ms),
                                 .backoff_cap = absl::Milliseconds(config_.webhook_retry_cap_ms),
                                 .url_guard = url_guard_}};
  SenderDispatch webhook_dispatch_{webhook_sender_};
  WebhookDelivery webhook_delivery_{
      outbox_,
      webhook_dispatch_,
      {.batch_size = config_.webhook_batch,
       .lease = absl::Seconds(config_.webhook_lease_seconds),
       .endpoint_concurrency = config_.webhook_endpoint_concurrency,
       .pause_after = absl::Seconds(config_.webhook_pause_after_seconds)},
      webhook_wake_,
      webhook_metrics_,
      logger_};

  // Started by Start(), in this order.
  std::vector<std::unique_ptr<WorkflowRunner>> runners_;
  std::unique_ptr<SmtpListener> bounce_listener_;  // none without --bounce_listen
  std::unique_ptr<grpcutil::GrpcServer> server_;
  std::unique_ptr<http::HttpServer> http_;  // none without --http_listen
  std::unique_ptr<periodic::PeriodicTask> queue_sampler_;
  std::unique_ptr<health::HealthWatcher> health_watcher_;
  std::unique_ptr<periodic::PeriodicTask> partition_maintenance_;
  std::unique_ptr<periodic::PeriodicTask> purge_;  // none with --purge_interval_seconds=0
  bool stopped_ = false;
};

}  // namespace mc::execution
