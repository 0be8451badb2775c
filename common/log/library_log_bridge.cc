#include "common/log/library_log_bridge.h"

#include <google/protobuf/stubs/logging.h>
#include <grpc/support/log.h>

#include <atomic>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "absl/time/clock.h"

namespace mc::log {
namespace {

// The bridge the libraries' hooks write to (see the header: the hooks take no context).
std::atomic<LibraryLogBridge*> active_bridge{nullptr};

void ProtobufHook(google::protobuf::LogLevel level, const char* file, int line,
                  const std::string& message) {
  LibraryLogBridge* bridge = active_bridge.load();
  if (bridge == nullptr) return;
  Level l = Level::kError;
  switch (level) {
    case google::protobuf::LOGLEVEL_INFO:
      l = Level::kInfo;
      break;
    case google::protobuf::LOGLEVEL_WARNING:
      l = Level::kWarn;
      break;
    default:
      break;
  }
  bridge->Write(l, "protobuf", file == nullptr ? "" : file, line, message);
}

// gRPC has no way to give its own handler back: with no bridge, a line is still one JSON
// object (gRPC only calls this for errors unless GRPC_VERBOSITY says otherwise).
void WriteUnbridged(const gpr_log_func_args& args) {
  nlohmann::ordered_json line;
  line["level"] = args.severity == GPR_LOG_SEVERITY_ERROR ? "error" : "info";
  line["msg"] = args.message == nullptr ? "" : args.message;
  line["source"] = "grpc";
  line["file"] = args.file == nullptr ? "" : args.file;
  line["line"] = args.line;
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fprintf(stderr, "%s\n", text.c_str());
}

void GrpcHook(gpr_log_func_args* args) {
  LibraryLogBridge* bridge = active_bridge.load();
  if (bridge == nullptr) return WriteUnbridged(*args);
  Level l = Level::kError;
  if (args->severity == GPR_LOG_SEVERITY_DEBUG) l = Level::kDebug;
  if (args->severity == GPR_LOG_SEVERITY_INFO) l = Level::kInfo;
  bridge->Write(l, "grpc", args->file == nullptr ? "" : args->file, args->line,
                args->message == nullptr ? "" : args->message);
}

}  // namespace

LibraryLogBridge::LibraryLogBridge(Logger& logger, Options options)
    : logger_(logger), options_(options) {
  active_bridge.store(this);
  previous_protobuf_handler_ = google::protobuf::SetLogHandler(&ProtobufHook);
  gpr_set_log_function(&GrpcHook);
  gpr_log_verbosity_init();  // GRPC_VERBOSITY (default: errors), as grpc_init would
}

LibraryLogBridge::~LibraryLogBridge() {
  google::protobuf::SetLogHandler(previous_protobuf_handler_);
  active_bridge.store(nullptr);
  absl::MutexLock lock(&mu_);
  FlushSuppressedLocked();
}

void LibraryLogBridge::Write(Level level, std::string_view source, std::string_view file, int line,
                             std::string_view message) {
  if (!logger_.Enabled(level)) return;
  absl::MutexLock lock(&mu_);
  const absl::Time now = absl::Now();
  if (now - window_start_ >= options_.window) {
    FlushSuppressedLocked();
    window_start_ = now;
    lines_in_window_ = 0;
  }
  if (lines_in_window_ >= options_.lines_per_window) {
    ++suppressed_;
    return;
  }
  ++lines_in_window_;
  logger_.Log(level, message, {{"source", source}, {"file", file}, {"line", int64_t{line}}});
}

void LibraryLogBridge::FlushSuppressedLocked() {
  if (suppressed_ == 0) return;
  logger_.Warn(
      "library log lines suppressed",
      {{"suppressed", suppressed_}, {"window_seconds", absl::ToDoubleSeconds(options_.window)}});
  suppressed_ = 0;
}

}  // namespace mc::log
