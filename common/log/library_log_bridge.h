// LibraryLogBridge: while it lives, what protobuf and gRPC core write about themselves (for
// example protobuf's "String field ... contains invalid UTF-8 data" when a request is not
// valid) goes through the service's JSON logger instead of stderr as plain text, so that
// stderr holds JSON lines only. At most `lines_per_window` such lines are written per `window`;
// the rest are counted, and the count is written in one line ("library log lines suppressed",
// "suppressed": N) when the next line after the window comes or the bridge is destroyed: bad
// input can never flood the log.
//
// Levels: protobuf INFO/WARNING/ERROR/FATAL and gRPC DEBUG/INFO/ERROR become debug/info/warn/
// error lines with "source" ("protobuf" or "grpc"), "file" and "line" fields.
// Both libraries take a plain function pointer, so the bridge is reached through one
// process-wide pointer: build at most one, in the composition root, before any gRPC or
// protobuf work, and destroy it after. The destructor gives protobuf its handler back; gRPC
// cannot be given its own back, so its lines are then written as bare JSON objects to stderr.
// Thread-safe.
#pragma once

#include <google/protobuf/stubs/logging.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/log/logger.h"

namespace mc::log {

class LibraryLogBridge {
 public:
  struct Options {
    int lines_per_window = 20;
    absl::Duration window = absl::Seconds(10);
  };

  LibraryLogBridge(Logger& logger, Options options);
  ~LibraryLogBridge();
  LibraryLogBridge(const LibraryLogBridge&) = delete;
  LibraryLogBridge& operator=(const LibraryLogBridge&) = delete;

  // One line from a library, as the hooks deliver it.
  void Write(Level level, std::string_view source, std::string_view file, int line,
             std::string_view message);

 private:
  // Writes the count of suppressed lines, if any; called with mu_ held.
  void FlushSuppressedLocked();

  Logger& logger_;
  const Options options_;
  google::protobuf::LogHandler* previous_protobuf_handler_ = nullptr;
  absl::Mutex mu_;
  absl::Time window_start_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  int lines_in_window_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t suppressed_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace mc::log
