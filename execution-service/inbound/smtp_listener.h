// SmtpListener: the bounce listener's TCP server (--bounce_listen "host:port", port 0: a free
// one): one thread per connection, each running an SmtpSession (smtp_session.h) that hands
// every message to `deliver`.
//
// Limits on what a client controls: at most `max_connections` at once (beyond: "421 4.7.0" and
// the connection closes), a line of at most 64 KiB (beyond: "500 5.5.2 line too long", closed),
// `idle_timeout` without a byte read (closed), and the session's own limits (message size,
// recipients, refused commands).
// Stop() closes the listening socket, ends every connection (a message whose end was not read
// yet is not delivered: its MTA sends it again) and joins the threads.
// Failure modes: Start is INVALID_ARGUMENT for a malformed address, UNAVAILABLE when it cannot
// bind. Thread-safe.
#pragma once

#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "execution-service/inbound/smtp_session.h"

namespace mc::execution {

struct SmtpListenerOptions {
  std::string listen;  // "host:port", "[v6]:port"
  SmtpSessionOptions session;
  int max_connections = 64;
  absl::Duration idle_timeout = absl::Seconds(60);
};

class SmtpListener {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<SmtpListener>> Start(
      SmtpListenerOptions options, SmtpSession::Deliver deliver);
  ~SmtpListener();  // Stop()

  int port() const { return port_; }
  void Stop();

 private:
  SmtpListener(SmtpListenerOptions options, SmtpSession::Deliver deliver);
  void AcceptLoop();
  void Serve(int fd);

  const SmtpListenerOptions options_;
  const SmtpSession::Deliver deliver_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;
  std::mutex mu_;
  std::set<int> open_fds_;
  std::list<std::thread> connections_;
  std::list<std::thread> finished_;  // joined by the accept loop
};

}  // namespace mc::execution
