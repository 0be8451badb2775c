// ServiceProcess: runs one of this project's server binaries as a child process and waits until
// it serves, by passing --port_file and reading the bound port from it. Used by the end-to-end
// tests, the benchmarks and the local cluster. Its metrics endpoint never takes the services'
// fixed ports: unless `args` set --metrics_listen, it goes on 127.0.0.1 and a free port, read
// back through --metrics_port_file (metrics_port(); 0 when metrics are off). With --http_listen
// (and no --http_port_file of the caller's) the HTTP listener's port too (http_port()).
//
// Failure modes: Start returns the spawn error, or DEADLINE_EXCEEDED / INTERNAL (with the tail
// of the service's log) when it exits or does not serve within the timeout.
// Not thread-safe per object.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/process/subprocess.h"

namespace mc::process {

class ServiceProcess {
 public:
  // `args` are the flags after the binary; --port_file is added. Output goes to `log_path`.
  [[nodiscard]] static absl::StatusOr<ServiceProcess> Start(
      const std::string& binary, std::vector<std::string> args, const std::string& log_path,
      absl::Duration timeout = absl::Seconds(30));

  int port() const { return port_; }
  int metrics_port() const { return metrics_port_; }
  int http_port() const { return http_port_; }  // 0: no HTTP listener, or its file the caller's
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  Subprocess& process() { return *process_; }
  const std::string& log_path() const { return log_path_; }
  // SIGTERM, then waits up to `timeout` (SIGKILL after). Returns the exit code.
  int Terminate(absl::Duration timeout = absl::Seconds(30));
  std::string LogTail(size_t bytes = 4000) const;

 private:
  std::optional<Subprocess> process_;
  int port_ = 0;
  int metrics_port_ = 0;
  int http_port_ = 0;
  std::string log_path_;
};

}  // namespace mc::process
