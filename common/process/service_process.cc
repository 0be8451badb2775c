#include "common/process/service_process.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace mc::process {

absl::StatusOr<ServiceProcess> ServiceProcess::Start(const std::string& binary,
                                                     std::vector<std::string> args,
                                                     const std::string& log_path,
                                                     absl::Duration timeout) {
  static int counter = 0;
  const std::string port_file = absl::StrCat(log_path, ".port.", getpid(), ".", ++counter);
  const std::string metrics_port_file = port_file + ".metrics";
  const std::string http_port_file = port_file + ".http";
  std::remove(port_file.c_str());
  std::remove(metrics_port_file.c_str());
  std::remove(http_port_file.c_str());
  auto has_flag = [&args](const char* flag) {
    return std::any_of(args.begin(), args.end(),
                       [flag](const std::string& a) { return absl::StartsWith(a, flag); });
  };
  const bool wants_http = has_flag("--http_listen") && !has_flag("--http_port_file");
  std::vector<std::string> argv = {binary};
  if (!has_flag("--metrics_listen")) argv.push_back("--metrics_listen=127.0.0.1:0");
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--port_file=" + port_file);
  argv.push_back("--metrics_port_file=" + metrics_port_file);
  if (wants_http) argv.push_back("--http_port_file=" + http_port_file);
  ServiceProcess s;
  s.log_path_ = log_path;
  absl::StatusOr<Subprocess> p =
      Subprocess::Spawn({.argv = argv, .stdout_path = log_path, .stderr_path = log_path});
  if (!p.ok()) return p.status();
  s.process_.emplace(std::move(*p));
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (s.port_ == 0) {
      std::ifstream in(port_file);
      if (in >> s.port_ && s.port_ > 0) {
        std::remove(port_file.c_str());
        // Written before the gRPC port file, when metrics are on.
        std::ifstream(metrics_port_file) >> s.metrics_port_;
        std::remove(metrics_port_file.c_str());
      } else {
        s.port_ = 0;
      }
    }
    // The HTTP listener starts right after gRPC, and writes its file then.
    if (s.port_ > 0 && wants_http) {
      std::ifstream in(http_port_file);
      if (!(in >> s.http_port_) || s.http_port_ <= 0) s.http_port_ = 0;
      if (s.http_port_ > 0) std::remove(http_port_file.c_str());
    }
    if (s.port_ > 0 && (!wants_http || s.http_port_ > 0)) return s;
    if (!s.process_->Running()) {
      return absl::InternalError(absl::StrCat(binary, " exited with ", s.process_->Wait(),
                                              " before serving; log tail:\n", s.LogTail()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::DeadlineExceededError(absl::StrCat(binary, " did not serve within ",
                                                  absl::FormatDuration(timeout), "; log tail:\n",
                                                  s.LogTail()));
}

int ServiceProcess::Terminate(absl::Duration timeout) {
  process_->Signal(SIGTERM);
  if (std::optional<int> code = process_->WaitFor(timeout)) return *code;
  process_->Signal(SIGKILL);
  return process_->Wait();
}

std::string ServiceProcess::LogTail(size_t bytes) const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string all = ss.str();
  return all.size() > bytes ? all.substr(all.size() - bytes) : all;
}

}  // namespace mc::process
