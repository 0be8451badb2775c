#include "execution-service/execution_instance.h"

#include <optional>

#include "absl/memory/memory.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/pg/singleton_key.h"
#include "common/service/exit_code.h"
#include "common/service/service_start.h"
#include "execution-service/api/http_routes.h"
#include "execution-service/api/openapi_doc.h"
#include "execution-service/delivery/pipelining_smtp_sender.h"
#include "execution-service/events/page_token_key_repository.h"
#include "execution-service/webhooks/url_guard.h"
#include "execution-service/webhooks/webhook_signer.h"

namespace mc::execution {
namespace {

// The key of the return paths' signatures (migration 0009).
const pg::SingletonKey kBounceKey("bounce_key", VerpCodec::kKeySize);

}  // namespace

absl::StatusOr<std::unique_ptr<ExecutionInstance>> ExecutionInstance::Start(
    const ExecutionConfig& config, log::Logger& logger) {
  std::optional<grpcutil::BearerAuth> auth = service::AuthAsConfigured(config, logger);
  if (!auth) {
    return service::WithExitCode(absl::InvalidArgumentError("authentication not configured"), 2);
  }
  absl::StatusOr<PageTokenCodec> page_tokens = LoadPageTokens(config);
  if (!page_tokens.ok()) {
    logger.Error("cannot read the page token key", {{"error", page_tokens.status().message()}});
    return page_tokens.status();
  }
  absl::StatusOr<std::optional<Bounces>> bounces = LoadBounces(config);
  if (!bounces.ok()) {
    logger.Error("cannot set up the bounce domain", {{"error", bounces.status().message()}});
    return bounces.status();
  }
  auto instance = absl::WrapUnique(new ExecutionInstance(
      config, *std::move(auth), *std::move(page_tokens), *std::move(bounces), logger));
  if (absl::Status s = instance->StartWorkflows(); !s.ok()) return s;
  if (absl::Status s = instance->StartServing(); !s.ok()) return s;
  return instance;
}

ExecutionInstance::ExecutionInstance(const ExecutionConfig& config, grpcutil::BearerAuth auth,
                                     PageTokenCodec page_tokens, std::optional<Bounces> bounces,
                                     log::Logger& logger)
    : config_(config),
      logger_(logger),
      auth_(std::move(auth)),
      page_tokens_(std::move(page_tokens)),
      bounces_(std::move(bounces)) {}

ExecutionInstance::~ExecutionInstance() { Stop(); }

absl::StatusOr<PageTokenCodec> ExecutionInstance::LoadPageTokens(const ExecutionConfig& config) {
  pg::ConnectionPool key_pool({.dsn = config.pg_dsn, .schema = config.schema, .size = 1});
  absl::StatusOr<std::string> key = PageTokenKeyRepository(key_pool).LoadOrCreate();
  if (!key.ok()) return key.status();
  return PageTokenCodec::Create(*std::move(key));
}

absl::StatusOr<std::optional<ExecutionInstance::Bounces>> ExecutionInstance::LoadBounces(
    const ExecutionConfig& config) {
  if (config.bounce_domain.empty()) return std::nullopt;
  pg::ConnectionPool key_pool({.dsn = config.pg_dsn, .schema = config.schema, .size = 1});
  kBounceKey.Prepare(key_pool);
  IdentityRepository identity(key_pool);
  absl::StatusOr<std::string> key = kBounceKey.LoadOrCreate(key_pool);
  if (!key.ok()) return key.status();
  absl::StatusOr<VerpCodec> codec = VerpCodec::Create(*std::move(key), config.bounce_domain);
  if (!codec.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--bounce_domain: ", codec.status().message()));
  }
  absl::StatusOr<std::string> id = identity.InstanceId();
  if (!id.ok()) return id.status();
  return Bounces{.codec = *std::move(codec), .instance = id->empty() ? config.schema : *id};
}

std::string ExecutionInstance::Version() { return MC_VERSION; }

std::unique_ptr<MessageSender> ExecutionInstance::NewSmtpSender() const {
  if (CanPipeline(smtp_)) return std::make_unique<PipeliningSmtpSender>(smtp_);
  return std::make_unique<SmtpSender>(smtp_);
}

std::unique_ptr<MessageSender> ExecutionInstance::NewSmsSender() const {
  return std::make_unique<SmsSender>(sms_);
}

MessageAssemblyOptions ExecutionInstance::AssemblyOptions() {
  return {.script = {.time_budget = absl::Milliseconds(config_.template_time_budget_ms),
                     .memory_budget = static_cast<size_t>(config_.template_memory_budget_mb) << 20},
          .max_attachment_bytes = static_cast<size_t>(config_.attachment_max_bytes),
          .attachments = &attachments_};
}

std::vector<ExecutionInstance::LaneWorker> ExecutionInstance::MakeLaneWorkers() {
  auto smtp_factory = [this] { return NewSmtpSender(); };
  auto sms_factory = [this] { return NewSmsSender(); };
  const ProcessorOptions options{.batch_size = config_.processing_batch,
                                 .lease = absl::Seconds(config_.lease_seconds),
                                 .max_tries = config_.max_tries,
                                 .retry_base = absl::Milliseconds(config_.retry_base_ms),
                                 .message_id_domain = config_.message_id_domain,
                                 .return_paths = return_paths_.get(),
                                 .assembly = AssemblyOptions()};
  std::vector<LaneWorker> workers;
  for (Queue queue : {Queue::kRealTime, Queue::kBatch}) {
    for (int i = 0; i < config_.lane_workers; ++i) {
      LaneWorker w;
      w.email = std::make_unique<SenderPool>(config_.smtp_concurrency, smtp_factory);
      w.sms = std::make_unique<SenderPool>(config_.sms_concurrency, sms_factory);
      w.processor = std::make_unique<EventProcessor>(
          queue, processing_, template_catalog_, *w.email, *w.sms, options,
          queue == Queue::kRealTime ? &rt_listener_ : nullptr,
          [this] {
            status_wake_.Notify();
            webhook_wake_.Notify();  // routed finals and retried attempts queue webhooks too
          },
          exec_metrics_, logger_);
      workers.push_back(std::move(w));
    }
  }
  return workers;
}

absl::Status ExecutionInstance::StartWorkflows() {
  workflow_states_.Refresh();
  if (config_.start_workflows) {
    if (absl::Status s = workflow_control_.StartAll(); !s.ok()) {
      logger_.Error("cannot start the technical workflows", {{"error", s.message()}});
      return s;
    }
  }
  // The real-time lane and updateEventStatus are woken (a notification, a local signal) and
  // wait a second at most; the batch lane has no wake-up: it polls every --batch_poll_ms.
  for (size_t i = 0; i < lane_workers_.size(); ++i) {
    const bool rt = i < static_cast<size_t>(config_.lane_workers);
    AddRunner(
        rt ? kRtEventsProcessing : kBatchEventsProcessing, *lane_workers_[i].processor,
        rt ? RunnerTiming{} : RunnerTiming{.idle_wait = absl::Milliseconds(config_.batch_poll_ms)});
  }
  AddRunner(kUpdateEventStatus, status_updater_, {});
  AddRunner(kWebhookDelivery, webhook_delivery_, {});
  return absl::OkStatus();
}

void ExecutionInstance::AddRunner(const std::string& name, WorkflowJob& job, RunnerTiming timing) {
  ExecutionMetrics::WorkflowCounters counters = exec_metrics_.ForWorkflow(name);
  runners_.push_back(std::make_unique<WorkflowRunner>(name, job, workflow_states_,
                                                      workflow_repository_, counters.runs,
                                                      counters.errors, logger_, timing));
}

absl::Status ExecutionInstance::StartBounceListener() {
  if (!bounce_processor_) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<SmtpListener>> listener = SmtpListener::Start(
      {.listen = config_.bounce_listen,
       .session = {.domain = bounces_->codec.bounce_domain(),
                   .max_message_bytes = static_cast<size_t>(config_.bounce_max_message_bytes)},
       .max_connections = config_.bounce_max_connections,
       .idle_timeout = absl::Seconds(config_.bounce_idle_timeout_seconds)},
      [this](const InboundMail& mail) { return bounce_processor_->Handle(mail).status(); });
  if (!listener.ok()) {
    logger_.Error("cannot start the bounce listener",
                  {{"error", listener.status().message()}, {"listen", config_.bounce_listen}});
    return listener.status();
  }
  bounce_listener_ = *std::move(listener);
  logger_.Info("bounce listener", {{"port", int64_t{bounce_listener_->port()}},
                                   {"domain", bounces_->codec.bounce_domain()}});
  return absl::OkStatus();
}

absl::Status ExecutionInstance::StartServing() {
  if (absl::Status s = StartBounceListener(); !s.ok()) return s;
  absl::StatusOr<std::unique_ptr<grpcutil::GrpcServer>> server =
      service::ServeGrpcAsConfigured(config_, metrics_,
                                     {&event_service_, &template_service_, &workflow_service_,
                                      &instance_service_, &webhook_service_, &suppression_service_},
                                     gate_, logger_);
  if (!server.ok()) return server.status();
  server_ = *std::move(server);
  absl::StatusOr<std::unique_ptr<http::HttpServer>> http =
      service::ServeHttpAsConfigured(config_, *server_, gate_, ExecutionHttpServices(),
                                     ExecutionHttpRoutes(), ExecutionOpenApiJson(), logger_);
  if (!http.ok()) return http.status();
  http_ = *std::move(http);
  logger_.Info(
      "serving",
      {{"port", int64_t{server_->port()}}, {"schema", config_.schema}, {"version", Version()}});
  // Health NOT_SERVING while PostgreSQL cannot be reached.
  queue_sampler_ = std::make_unique<periodic::PeriodicTask>(
      absl::Milliseconds(config_.metrics_sample_ms), [this] { SampleQueues(); });
  health_watcher_ = std::make_unique<health::HealthWatcher>(
      [this] { return pool_.Ping(); }, [this](bool serving) { server_->SetServing(serving); },
      health::HealthWatcherOptions{.interval = absl::Milliseconds(config_.health_check_ms)},
      logger_);
  // Partition maintenance on every replica (the rotations run one at a time in PostgreSQL).
  partition_maintenance_ = std::make_unique<periodic::PeriodicTask>(
      PartitionRotation::Interval(absl::Seconds(config_.partition_period_seconds)),
      [this] { partition_rotation_.Tick(); });
  // The daily purge: at start, then every interval; each replica runs its own (ArchivePurge:
  // replicas share the work, never delete an event twice; failures logged there, retried).
  if (config_.purge_interval_seconds > 0) {
    purge_ = std::make_unique<periodic::PeriodicTask>(absl::Seconds(config_.purge_interval_seconds),
                                                      [this] { (void)archive_purge_.Purge(); });
  }
  return absl::OkStatus();
}

void ExecutionInstance::SampleQueues() {
  absl::StatusOr<OpenCounts> open = events_.CountOpen();
  if (!open.ok()) return;  // the gauges keep their last values; health tells the outage
  for (Queue q : kQueues) {
    exec_metrics_.SetQueueEvents(q, EventStatus::kPending, open->n[LaneOf(q)][0]);
    exec_metrics_.SetQueueEvents(q, EventStatus::kPendingDelivery, open->n[LaneOf(q)][1]);
  }
  absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> queued = outbox_.CountQueued();
  if (!queued.ok()) return;
  for (const auto& [subscription, n] : *queued) webhook_metrics_.SetQueued(subscription, n);
}

SubscriptionRules ExecutionInstance::SubscriptionRulesAsConfigured() const {
  // The guard's and the signer's messages name their own field ("url: ", "secret: "); the
  // rules name the subscription's.
  return {.check_url = [options = url_guard_](const std::string& url) -> absl::Status {
            absl::StatusOr<CheckedUrl> checked = CheckWebhookUrl(url, options);
            if (checked.ok()) return absl::OkStatus();
            return absl::Status(checked.status().code(),
                                absl::StripPrefix(checked.status().message(), "url: "));
          },
          .parse_secret = [](const std::string& secret) -> absl::StatusOr<std::string> {
            absl::StatusOr<std::string> key = ParseWebhookSecret(secret, "value");
            if (key.ok()) return key;
            return absl::InvalidArgumentError(absl::StripPrefix(key.status().message(), "value: "));
          },
          .schema = config_.schema};
}

void ExecutionInstance::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (health_watcher_) health_watcher_->Stop();  // before the shutdown sets NOT_SERVING for good
  if (queue_sampler_) queue_sampler_->Stop();
  if (server_) server_->Shutdown(absl::Seconds(config_.shutdown_grace_seconds));
  if (http_) http_->Stop();  // its calls were answered by the drain
  if (bounce_listener_) bounce_listener_->Stop();
  committer_.Stop();
  if (purge_) purge_->Stop();
  if (partition_maintenance_) partition_maintenance_->Stop();
  for (auto& runner : runners_) runner->RequestStop();  // all finish their runs at once
  for (auto& runner : runners_) runner->Stop();
  workflow_states_.Stop();
}

}  // namespace mc::execution
