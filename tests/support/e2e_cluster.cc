#include "tests/support/e2e_cluster.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>

#include "absl/strings/str_cat.h"

namespace mc::e2e {

std::string LogPath(const std::string& label) {
  static int n = 0;
  return (std::filesystem::temp_directory_path() /
          absl::StrCat("mc-e2e-", getpid(), "-", ++n, "-", label, ".log"))
      .string();
}

process::ServiceProcess StartExecution(const std::string& dsn, const std::string& schema,
                                       std::vector<std::string> extra_flags) {
  std::vector<std::string> args = {"serve",
                                   "--listen=127.0.0.1:0",
                                   "--pg_dsn=" + dsn,
                                   "--schema=" + schema,
                                   std::string("--auth_tokens=") + kToken,
                                   "--log_level=warn"};
  args.insert(args.end(), extra_flags.begin(), extra_flags.end());
  auto s = process::ServiceProcess::Start(MC_EXECUTION_SERVICE_BIN, args, LogPath("execution"));
  if (!s.ok()) FAIL("execution-service did not start: " << s.status().ToString());
  return std::move(*s);
}

process::ServiceProcess StartControl(const std::string& dsn, const std::string& schema,
                                     std::vector<std::string> extra_flags) {
  std::vector<std::string> args = {"serve",
                                   "--listen=127.0.0.1:0",
                                   "--pg_dsn=" + dsn,
                                   "--schema=" + schema,
                                   std::string("--auth_tokens=") + kToken,
                                   "--log_level=warn"};
  args.insert(args.end(), extra_flags.begin(), extra_flags.end());
  auto s = process::ServiceProcess::Start(MC_CONTROL_SERVICE_BIN, args, LogPath("control"));
  if (!s.ok()) FAIL("control-service did not start: " << s.status().ToString());
  return std::move(*s);
}

std::shared_ptr<grpc::Channel> Channel(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return ctx;
}

}  // namespace mc::e2e
