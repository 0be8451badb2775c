// execution-service: the composition root. Builds, in order: config, logger, schema, pool,
// repositories, logic, gRPC server; then waits for SIGTERM/SIGINT and drains.
#include <fstream>
#include <iostream>

#include "common/grpc/bearer_auth.h"
#include "common/grpc/grpc_server.h"
#include "common/log/logger.h"
#include "common/pg/connection_pool.h"
#include "common/pg/migrator.h"
#include "common/process/signals.h"
#include "execution-service/api/event_grpc_service.h"
#include "execution-service/events/event_ingestion.h"
#include "execution-service/events/event_repository.h"
#include "execution-service/events/group_committer.h"
#include "execution-service/execution_config.h"
#include "execution-service/migrations/migrations.h"

int main(int argc, char** argv) {
  using namespace mc;
  process::BlockTerminationSignals();
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

  if (config->migrate || config->command == "migrate") {
    absl::Status migrated = pg::Migrate(config->pg_dsn, config->schema, execution::Migrations());
    if (!migrated.ok()) {
      logger.Error("migration failed", {{"schema", config->schema}, {"error", migrated.message()}});
      return 1;
    }
    logger.Info("schema up to date", {{"schema", config->schema}});
    if (config->command == "migrate") return 0;
  }

  absl::StatusOr<grpcutil::BearerAuth> auth =
      grpcutil::BearerAuth::FromConfig(config->auth_tokens, config->auth_tokens_file);
  if (!auth.ok()) {
    logger.Error("authentication not configured", {{"error", auth.status().message()}});
    return 2;
  }

  pg::ConnectionPool pool(
      {.dsn = config->pg_dsn, .schema = config->schema, .size = config->pg_pool_size});
  execution::EventRepository events(pool);
  execution::GroupCommitter committer(
      events, {.writers = config->commit_writers, .max_rows_per_commit = config->commit_max_rows},
      logger);
  execution::EventIngestion ingestion(
      committer, events,
      {.max_events_per_call = config->max_events_per_call,
       .max_ctx_bytes = static_cast<size_t>(config->max_ctx_bytes)});
  execution::EventGrpcService event_service(ingestion, *auth, logger);

  absl::StatusOr<std::unique_ptr<grpcutil::GrpcServer>> server =
      grpcutil::GrpcServer::Start({.listen = config->listen}, {&event_service});
  if (!server.ok()) {
    logger.Error("cannot start gRPC server", {{"error", server.status().message()}});
    return 1;
  }
  (*server)->SetServing(true);
  if (!config->port_file.empty()) {
    std::string tmp = config->port_file + ".tmp";
    std::ofstream(tmp) << (*server)->port() << "\n";
    std::rename(tmp.c_str(), config->port_file.c_str());
  }
  logger.Info("serving", {{"port", int64_t{(*server)->port()}}, {"schema", config->schema}});

  int sig = process::WaitForTerminationSignal();
  logger.Info("draining", {{"signal", int64_t{sig}}});
  (*server)->Shutdown(absl::Seconds(config->shutdown_grace_seconds));
  committer.Stop();
  logger.Info("stopped");
  return 0;
}
