// ServiceMain: the whole main() of a Message Center service around its instance class, the
// same for both services: blocks SIGTERM/SIGINT (before any thread), parses the flags (exit 2
// with "<program>: <message>" on stderr when they are wrong; the usage and exit 0 for --help),
// builds the JSON logger on stderr and routes protobuf's and gRPC's own lines to it, applies the
// migrations as the flags ask (MigrateAsConfigured: "migrate" exits there), starts the instance,
// waits for SIGTERM/SIGINT, then stops the instance (its drain) and exits 0.
//
// `Instance` provides `static absl::StatusOr<std::unique_ptr<Instance>> Start(const Config&,
// log::Logger&)`, which logs its own failures and marks their exit code (exit_code.h), and
// `void Stop()`. Call from main() only, once.
#pragma once

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/log/library_log_bridge.h"
#include "common/log/logger.h"
#include "common/pg/migrator.h"
#include "common/process/signals.h"
#include "common/service/exit_code.h"
#include "common/service/service_start.h"

namespace mc::service {

template <typename Config>
struct ServiceProgram {
  std::string name;       // "execution-service": prefixes flag errors
  std::string component;  // "execution": the logger's component
  absl::StatusOr<Config> (*parse)(int argc, const char* const* argv);
  std::vector<pg::Migration> migrations;
};

template <typename Instance, typename Config>
int ServiceMain(int argc, char** argv, const ServiceProgram<Config>& program) {
  process::BlockTerminationSignals();
  // Debian's Abseil checks every mutex acquisition for lock-order cycles (a debugging aid);
  // gRPC locks on every call, so it shows in profiles.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::StatusOr<Config> config = program.parse(argc, argv);
  if (!config.ok()) {
    std::cerr << program.name << ": " << config.status().message() << "\n";
    return 2;
  }
  if (config->help) {
    std::cout << config->usage;
    return 0;
  }
  log::Logger logger(program.component, log::ParseLevel(config->log_level), std::cerr);
  // protobuf's and gRPC's own lines as JSON too, rate-limited.
  log::LibraryLogBridge library_logs(logger, {});
  if (std::optional<int> exit_code = MigrateAsConfigured(*config, program.migrations, logger)) {
    return *exit_code;
  }
  absl::StatusOr<std::unique_ptr<Instance>> instance = Instance::Start(*config, logger);
  if (!instance.ok()) return ExitCodeOf(instance.status());

  int sig = process::WaitForTerminationSignal();
  logger.Info("draining", {{"signal", int64_t{sig}}});
  (*instance)->Stop();
  logger.Info("stopped");
  return 0;
}

}  // namespace mc::service
