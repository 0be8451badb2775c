#include "common/service/service_start.h"

namespace mc::service {

std::optional<int> MigrateAsConfigured(const config::ServiceFlags& flags,
                                       const std::vector<pg::Migration>& migrations,
                                       log::Logger& logger) {
  if (!flags.migrate && flags.command != "migrate") return std::nullopt;
  absl::Status migrated = pg::Migrate(flags.pg_dsn, flags.schema, migrations);
  if (!migrated.ok()) {
    logger.Error("migration failed", {{"schema", flags.schema}, {"error", migrated.message()}});
    return 1;
  }
  logger.Info("schema up to date", {{"schema", flags.schema}});
  if (flags.command == "migrate") return 0;
  return std::nullopt;
}

std::optional<grpcutil::BearerAuth> AuthAsConfigured(const config::ServiceFlags& flags,
                                                     log::Logger& logger) {
  absl::StatusOr<grpcutil::BearerAuth> auth =
      grpcutil::BearerAuth::FromConfig(flags.auth_tokens, flags.auth_tokens_file);
  if (!auth.ok()) {
    logger.Error("authentication not configured", {{"error", auth.status().message()}});
    return std::nullopt;
  }
  return *std::move(auth);
}

}  // namespace mc::service
