// HttpSink: a real HTTP/1.1 server on loopback standing in for an SMS provider. Keeps every
// POST body (keep-alive connections). The JSON body's "to" drives failures:
//   "+999..." -> 400 (the provider refuses this number: a hard failure)
//   "+998..." -> 503 (provider busy: a soft failure)
// anything else -> 200 {"status":"queued"}. Thread-safe.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/sinks/tcp_listener.h"

namespace mc::sinks {

class HttpSink {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<HttpSink>> Start(int port = 0);
  ~HttpSink();

  int port() const { return listener_.port(); }
  std::string url(const std::string& path = "/sms") const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
  }
  std::vector<std::string> Bodies();  // accepted (2xx) request bodies
  bool WaitForCount(size_t n, absl::Duration timeout);

 private:
  HttpSink() = default;
  void Serve(int fd);

  TcpListener listener_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> bodies_;
};

}  // namespace mc::sinks
