// ControlInstance in-process against a real PostgreSQL: built from the flags as main builds it
// (archiving scheduler on), it serves gRPC on a free port (health SERVING, ListAccounts with an
// operator token), Stop() closes it; unusable TLS files to the execution instances are exit 2.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/service/exit_code.h"
#include "common/testing/shared_postgres.h"
#include "control-service/control_instance.h"
#include "control-service/migrations/migrations.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "messagecenter/control/v1/control.grpc.pb.h"

namespace mc::control {
namespace {
namespace v1 = messagecenter::control::v1;

constexpr char kToken[] = "control-wiring-token-0123456789";

// The flags main would get, plus `extra`.
ControlConfig Config(const std::string& schema, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      "control-service",    "--pg_dsn=" + testing::SharedPostgresDsn(),
      "--schema=" + schema, "--listen=127.0.0.1:0",
      "--metrics_listen=",  absl::StrCat("--auth_tokens=operator:", kToken),
      "--nomigrate"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  absl::StatusOr<ControlConfig> config =
      ParseControlConfig(static_cast<int>(argv.size()), argv.data());
  REQUIRE(config.ok());
  return *std::move(config);
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

TEST_CASE("a control instance starts in-process on port 0, serves gRPC, and stops") {
  const std::string schema = testing::FreshSchema("ctrl_instance", Migrations());
  std::ostringstream log_sink;
  log::Logger logger("test", log::Level::kInfo, log_sink);
  absl::StatusOr<std::unique_ptr<ControlInstance>> instance =
      ControlInstance::Start(Config(schema), logger);
  REQUIRE(instance.ok());
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*instance)->port()),
                                     grpc::InsecureChannelCredentials());

  grpc::health::v1::HealthCheckResponse health;
  REQUIRE(grpc::health::v1::Health::NewStub(channel)->Check(Context().get(), {}, &health).ok());
  CHECK(health.status() == grpc::health::v1::HealthCheckResponse::SERVING);
  auto stub = v1::AccountService::NewStub(channel);
  v1::ListAccountsResponse accounts;
  REQUIRE(stub->ListAccounts(Context().get(), {}, &accounts).ok());
  CHECK(accounts.accounts_size() == 0);

  (*instance)->Stop();
  CHECK(stub->ListAccounts(Context().get(), {}, &accounts).error_code() ==
        grpc::StatusCode::UNAVAILABLE);
}

TEST_CASE("unusable TLS files to the execution instances: exit code 2, logged") {
  const std::string schema = testing::FreshSchema("ctrl_instance_tls", Migrations());
  std::ostringstream log_sink;
  log::Logger logger("test", log::Level::kInfo, log_sink);
  absl::StatusOr<std::unique_ptr<ControlInstance>> refused =
      ControlInstance::Start(Config(schema, {"--execution_tls_ca=/nonexistent/ca.pem"}), logger);
  REQUIRE_FALSE(refused.ok());
  CHECK(service::ExitCodeOf(refused.status()) == 2);
  CHECK(log_sink.str().find("TLS to execution instances not configured") != std::string::npos);
}

}  // namespace
}  // namespace mc::control
