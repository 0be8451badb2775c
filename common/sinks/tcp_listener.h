// TcpListener: a loopback TCP server that runs `serve(fd)` on its own thread for each accepted
// connection. Binds 127.0.0.1 on the given port (0: a free one). Stop() closes the listening
// socket and every open connection, then joins all threads. Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <list>
#include <mutex>
#include <set>
#include <thread>

#include "absl/status/statusor.h"

namespace mc::sinks {

class TcpListener {
 public:
  using Serve = std::function<void(int fd)>;
  TcpListener() = default;
  ~TcpListener();
  [[nodiscard]] absl::Status Start(int port, Serve serve);
  int port() const { return port_; }
  void Stop();

 private:
  void AcceptLoop();

  Serve serve_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;
  std::mutex mu_;
  std::set<int> open_fds_;
  std::list<std::thread> connections_;
};

}  // namespace mc::sinks
