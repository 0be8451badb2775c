// WebhookSink: a real HTTP/1.1 server on loopback standing in for the receivers of status
// webhooks (tests, the webhook benchmark). Keep-alive connections, one thread each
// (TcpListener); requests with a Content-Length body (or none); `Expect: 100-continue` is
// answered; a chunked body is refused with 501 and the connection closed; a body over 64 MiB
// gets 413 and the connection closed.
//
// Every request is counted and, unless Options::keep_requests is false (a benchmark), kept:
// method, path, headers (names lower-cased, values trimmed, in order), body, and the number of
// the TCP connection that carried it (1, 2, ... in order of acceptance), so a test can prove
// connections were reused. The answer's status comes from the responder (default: 200), which
// runs on the connection's thread (it may block, e.g. to hold an answer past a client's
// timeout); its body is the reply body (default: empty). No lock is held while a request is
// read or answered: only to record it.
// Failure modes: Start fails UNAVAILABLE when it cannot listen. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/sinks/tcp_listener.h"

namespace mc::sinks {

class WebhookSink {
 public:
  struct Request {
    std::string method;
    std::string path;
    std::vector<std::pair<std::string, std::string>> headers;  // lower-cased names
    std::string body;
    int connection = 0;
    // The first value of a header (name in lower case); "" when absent.
    std::string Header(absl::string_view name) const;
  };
  using Responder = std::function<int(const Request&)>;
  struct Options {
    int port = 0;  // 0: a free one
    bool keep_requests = true;
  };

  [[nodiscard]] static absl::StatusOr<std::unique_ptr<WebhookSink>> Start(Options options);
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<WebhookSink>> Start() {
    return Start(Options{});
  }
  ~WebhookSink();

  int port() const { return listener_.port(); }
  std::string url(absl::string_view path = "/webhook") const;

  void SetResponder(Responder responder);  // empty: back to 200
  void SetReplyBody(std::string body);

  std::vector<Request> Requests();  // kept so far, in arrival order
  int64_t request_count() const { return count_.load(); }
  int connections() const { return connections_.load(); }  // TCP connections accepted
  // Waits until done(kept requests) holds; false if it still does not after `timeout`.
  bool WaitFor(const std::function<bool(const std::vector<Request>&)>& done,
               absl::Duration timeout);
  bool WaitForCount(int64_t n, absl::Duration timeout);

  void Stop() { listener_.Stop(); }

 private:
  explicit WebhookSink(Options options) : options_(options) {}
  void Serve(int fd);
  void Record(Request request);

  const Options options_;
  TcpListener listener_;
  std::atomic<int> connections_{0};
  std::atomic<int64_t> count_{0};
  std::mutex answer_mu_;  // guards the two pointers only
  std::shared_ptr<const Responder> responder_;
  std::shared_ptr<const std::string> reply_body_ = std::make_shared<const std::string>();
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Request> requests_;
};

}  // namespace mc::sinks
