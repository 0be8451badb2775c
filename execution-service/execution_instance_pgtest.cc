// ExecutionInstance in-process against a real PostgreSQL: built from the flags as main builds
// it, it serves gRPC on a free port (health SERVING, GetInstanceInfo with a control token),
// Stop() closes it; a start that fails reports the exit code main ends with, having stopped what
// it started.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/service/exit_code.h"
#include "common/testing/shared_postgres.h"
#include "execution-service/execution_instance.h"
#include "execution-service/migrations/migrations.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "messagecenter/v1/instance.grpc.pb.h"

namespace mc::execution {
namespace {
namespace v1 = messagecenter::v1;

constexpr char kToken[] = "instance-wiring-token-0123456789";

// The flags main would get, plus `extra`.
ExecutionConfig Config(const std::string& schema, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      "execution-service",  "--pg_dsn=" + testing::SharedPostgresDsn(),
      "--schema=" + schema, "--listen=127.0.0.1:0",
      "--metrics_listen=",  absl::StrCat("--auth_tokens=control:", kToken),
      "--nomigrate"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  absl::StatusOr<ExecutionConfig> config =
      ParseExecutionConfig(static_cast<int>(argv.size()), argv.data());
  REQUIRE(config.ok());
  return *std::move(config);
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

TEST_CASE("an instance starts in-process on port 0, serves gRPC, and stops") {
  const std::string schema = testing::FreshSchema("exec_instance", Migrations());
  std::ostringstream log_sink;
  log::Logger logger("test", log::Level::kInfo, log_sink);
  absl::StatusOr<std::unique_ptr<ExecutionInstance>> instance =
      ExecutionInstance::Start(Config(schema), logger);
  REQUIRE(instance.ok());
  REQUIRE((*instance)->port() > 0);
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*instance)->port()),
                                     grpc::InsecureChannelCredentials());

  grpc::health::v1::HealthCheckResponse health;
  REQUIRE(grpc::health::v1::Health::NewStub(channel)->Check(Context().get(), {}, &health).ok());
  CHECK(health.status() == grpc::health::v1::HealthCheckResponse::SERVING);
  auto stub = v1::InstanceService::NewStub(channel);
  v1::InstanceInfo info;
  REQUIRE(stub->GetInstanceInfo(Context().get(), {}, &info).ok());
  CHECK(info.schema() == schema);
  CHECK(info.workflows_size() == 4);
  CHECK_FALSE(info.workflows_started());
  CHECK(log_sink.str().find("\"serving\"") != std::string::npos);

  (*instance)->Stop();
  CHECK(stub->GetInstanceInfo(Context().get(), {}, &info).error_code() ==
        grpc::StatusCode::UNAVAILABLE);
  (*instance)->Stop();  // a second Stop (and the destructor) does nothing
}

TEST_CASE("a start that fails says the exit code: 2 without tokens, else 1") {
  const std::string schema = testing::FreshSchema("exec_instance_fail", Migrations());
  std::ostringstream log_sink;
  log::Logger logger("test", log::Level::kInfo, log_sink);
  ExecutionConfig no_tokens = Config(schema);
  no_tokens.auth_tokens.clear();
  absl::StatusOr<std::unique_ptr<ExecutionInstance>> refused =
      ExecutionInstance::Start(no_tokens, logger);
  REQUIRE_FALSE(refused.ok());
  CHECK(service::ExitCodeOf(refused.status()) == 2);
  CHECK(log_sink.str().find("authentication not configured") != std::string::npos);

  // This one builds everything and starts its runners before the gRPC server finds its TLS
  // files missing (INVALID_ARGUMENT, yet exit code 1 as before): it stops them again.
  absl::StatusOr<std::unique_ptr<ExecutionInstance>> no_tls = ExecutionInstance::Start(
      Config(schema, {"--tls_cert=/nonexistent/cert.pem", "--tls_key=/nonexistent/key.pem"}),
      logger);
  REQUIRE_FALSE(no_tls.ok());
  CHECK(service::ExitCodeOf(no_tls.status()) == 1);
  CHECK(log_sink.str().find("cannot start gRPC server") != std::string::npos);
}

}  // namespace
}  // namespace mc::execution
