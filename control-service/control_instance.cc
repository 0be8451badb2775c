#include "control-service/control_instance.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/memory/memory.h"
#include "common/grpc/pem_file.h"
#include "common/service/exit_code.h"
#include "common/service/service_start.h"
#include "control-service/api/http_routes.h"
#include "control-service/api/openapi_doc.h"
#include "control-service/archive_search/search_token_key_repository.h"

namespace mc::control {

absl::StatusOr<std::unique_ptr<ControlInstance>> ControlInstance::Start(const ControlConfig& config,
                                                                        log::Logger& logger) {
  std::optional<grpcutil::BearerAuth> auth = service::AuthAsConfigured(config, logger);
  if (!auth) {
    return service::WithExitCode(absl::InvalidArgumentError("authentication not configured"), 2);
  }
  absl::StatusOr<ExecutionClientOptions> client_options = ClientOptions(config, logger);
  if (!client_options.ok()) return client_options.status();
  absl::StatusOr<SearchTokenCodec> search_tokens = LoadSearchTokens(config);
  if (!search_tokens.ok()) {
    logger.Error("cannot read the search token key", {{"error", search_tokens.status().message()}});
    return search_tokens.status();
  }
  auto instance = absl::WrapUnique(new ControlInstance(
      config, *std::move(auth), *std::move(client_options), *std::move(search_tokens), logger));
  if (absl::Status s = instance->StartServing(); !s.ok()) return s;
  return instance;
}

ControlInstance::ControlInstance(const ControlConfig& config, grpcutil::BearerAuth auth,
                                 ExecutionClientOptions client_options,
                                 SearchTokenCodec search_tokens, log::Logger& logger)
    : config_(config),
      logger_(logger),
      auth_(std::move(auth)),
      client_(std::move(client_options)),
      search_tokens_(std::move(search_tokens)) {
  metrics_.OnScrape([this] { control_metrics_.RefreshLag(absl::Now()); });
}

ControlInstance::~ControlInstance() { Stop(); }

absl::StatusOr<ExecutionClientOptions> ControlInstance::ClientOptions(const ControlConfig& config,
                                                                      log::Logger& logger) {
  ExecutionClientOptions options{.deadline = absl::Seconds(config.execution_deadline_seconds)};
  for (auto [path, pem] : {std::pair{&config.execution_tls_ca, &options.tls_ca},
                           std::pair{&config.execution_tls_cert, &options.tls_cert},
                           std::pair{&config.execution_tls_key, &options.tls_key}}) {
    if (path->empty()) continue;
    absl::StatusOr<std::string> text = grpcutil::ReadPemFile(*path);
    if (!text.ok()) {
      logger.Error("TLS to execution instances not configured",
                   {{"error", text.status().message()}});
      return service::WithExitCode(text.status(), 2);
    }
    *pem = *std::move(text);
  }
  return options;
}

absl::StatusOr<SearchTokenCodec> ControlInstance::LoadSearchTokens(const ControlConfig& config) {
  pg::ConnectionPool key_pool({.dsn = config.pg_dsn, .schema = config.schema, .size = 1});
  absl::StatusOr<std::string> key = SearchTokenKeyRepository(key_pool).LoadOrCreate();
  if (!key.ok()) return key.status();
  return SearchTokenCodec::Create(*std::move(key));
}

absl::Status ControlInstance::StartServing() {
  absl::StatusOr<std::unique_ptr<grpcutil::GrpcServer>> server = service::ServeGrpcAsConfigured(
      config_, metrics_,
      {&account_service_, &template_service_, &block_service_, &archiving_service_,
       &report_service_, &subscription_service_, &archive_search_service_, &suppression_service_},
      gate_, logger_);
  if (!server.ok()) return server.status();
  server_ = *std::move(server);
  absl::StatusOr<std::unique_ptr<http::HttpServer>> http = service::ServeHttpAsConfigured(
      config_, *server_, gate_, ControlHttpServices(), ControlHttpRoutes(), ControlOpenApiJson(),
      logger_, ConsoleFront());
  if (!http.ok()) return http.status();
  http_ = *std::move(http);
  logger_.Info("serving", {{"port", int64_t{server_->port()}}, {"schema", config_.schema}});

  // Archiving lag from the runs of every replica; health NOT_SERVING while PostgreSQL is down.
  lag_sampler_ = std::make_unique<periodic::PeriodicTask>(
      absl::Milliseconds(config_.metrics_sample_ms), [this] {
        absl::StatusOr<std::vector<std::pair<std::string, absl::Time>>> last =
            archive_.LastArchived();
        if (last.ok()) control_metrics_.SetLastArchived(*last);
      });
  health_watcher_ = std::make_unique<health::HealthWatcher>(
      [this] { return pool_.Ping(); }, [this](bool serving) { server_->SetServing(serving); },
      health::HealthWatcherOptions{.interval = absl::Milliseconds(config_.health_check_ms)},
      logger_);
  if (config_.archiving_scheduler) {
    scheduler_ = std::make_unique<ArchivingScheduler>(
        archive_, archiver_, archiving_,
        SchedulerOptions{.poll = absl::Milliseconds(config_.archiving_poll_ms),
                         .purge_interval = absl::Seconds(config_.purge_interval_seconds)},
        logger_);
  }
  return absl::OkStatus();
}

service::HttpFront ControlInstance::ConsoleFront() {
  if (!config_.console) return nullptr;
  return [this](http::HttpExchange& exchange, http::JsonGateway& gateway) {
    return console_.Handle(exchange, gateway);
  };
}

void ControlInstance::Stop() {
  if (stopped_) return;
  stopped_ = true;
  // No new archiving run; runs in progress (scheduled or RunNow) get the grace period, then
  // stop at their next page boundary, so the exit is bounded.
  const absl::Duration grace = absl::Seconds(config_.shutdown_grace_seconds);
  archiver_.StopBy(absl::Now() + grace);
  if (scheduler_) scheduler_->RequestStop();
  if (health_watcher_) health_watcher_->Stop();  // before the shutdown sets NOT_SERVING for good
  if (lag_sampler_) lag_sampler_->Stop();
  if (server_) server_->Shutdown(grace);
  if (http_) http_->Stop();  // its calls were answered by the drain
  if (scheduler_) scheduler_->Stop();
}

}  // namespace mc::control
